/**
 * The connections routes of our management API (docs/management-api.md): every open tunnelled
 * connection (all, of one channel, of one tunnel), one connection, and closing one.
 */
import {connectionsQuerySchema, type ConnectionsQuery} from '../../protocol/connections.js';
import {operations} from '../../protocol/operations.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import {badRequest} from '../http/http-errors.js';
import {serve} from '../http/operation-routes.js';
import {mergeRouteTables, type RouteTable} from '../http/route-table.js';
import type {ConnectionRegistry} from './connection-registry.js';
import {connectionInfo} from './connection-views.js';

/** The query as an object; a parameter given twice is refused (which one would count?). */
function parseQuery(query: URLSearchParams): ConnectionsQuery {
  const values: Record<string, string> = {};
  for (const [name, value] of query) {
    if (name in values) throw badRequest(`Query parameter \`${name}\` is given twice`);
    values[name] = value;
  }
  const result = connectionsQuerySchema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw badRequest(`Unknown query parameter ${issue.keys.map((key) => `\`${key}\``).join(', ')}`);
  throw badRequest(`Invalid query parameter \`${issue.path.map(String).join('.')}\`: ${issue.message}`);
}

export function connectionRoutes(channels: ChannelRegistry, connections: ConnectionRegistry): RouteTable {
  return mergeRouteTables(
    serve(operations.listConnections, ({query}) => {
      const filter = parseQuery(query);
      // An unknown channel or tunnel is a 404, not an empty list: the caller named something that is not there.
      if (filter.channel_id !== undefined) {
        const channel = channels.get(filter.channel_id);
        if (filter.tunnel_id !== undefined) channel.getTunnel(filter.tunnel_id);
      }
      const now = Date.now();
      return connections.list({channelId: filter.channel_id, tunnelId: filter.tunnel_id}).map((tracked) => connectionInfo(tracked, now));
    }),
    serve(operations.getConnection, ({params}) => connectionInfo(connections.get(params.connectionId!))),
    // Cuts both halves: the socket here is reset, the websocket closed, so the other end cuts its own.
    serve(operations.closeConnection, async ({params}) => {
      const tracked = connections.get(params.connectionId!);
      tracked.record.destroy();
      await tracked.record.done;
      return null;
    }),
  );
}
