/** Our management API (docs/management-api.md): server info, channels, tunnels, events, metrics. */
import {operations} from '../../protocol/operations.js';
import type {ServerInfo} from '../../protocol/management.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import {serve} from '../http/operation-routes.js';
import {mergeRouteTables, type RouteTable} from '../http/route-table.js';
import type {PeerSource} from '../peers/peer-source.js';
import type {EventHub} from './event-hub.js';
import {allTunnels, channelDetails, channelInfo} from './management-views.js';
import {renderMetrics} from './metrics.js';
import type {LimitRefusals} from '../limits/limit-refusals.js';

export function managementRoutes(
  channels: ChannelRegistry,
  events: EventHub,
  serverInfo: () => ServerInfo,
  peers: PeerSource | undefined,
  refusals?: LimitRefusals,
): RouteTable {
  return mergeRouteTables(
    serve(operations.serverInfo, () => serverInfo()),
    serve(operations.listChannels, () => channels.all().map(channelInfo)),
    serve(operations.getChannel, ({params}) => channelDetails(channels.get(params.channelId!))),
    serve(operations.disconnectChannel, async ({params}) => {
      await channels.get(params.channelId!).close();
      return null;
    }),
    // Tears down a tunnel of any client and tells that client (DELETE_TUNNEL), so its own
    // half stops too; 1.0.12's DELETE only stops the server's half.
    serve(operations.closeTunnel, async ({params, input}) => {
      const {force} = await input();
      channels.get(params.channelId!).deleteTunnel(params.tunnelId!, force, true);
      return null;
    }),
    serve(operations.listTunnels, () => allTunnels(channels.all())),
    serve(operations.metrics, () => renderMetrics(channels.all(), peers?.list() ?? [], refusals?.all())),
    {rest: {}, upgrade: {events: () => (websocket) => events.subscribe(websocket)}},
  );
}
