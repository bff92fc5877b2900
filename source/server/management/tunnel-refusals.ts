/**
 * Reports the tunnels the server refuses to create (a destination or an entrance not allowed,
 * an entrance that cannot listen) as refusal events, with what the client asked for. It wraps
 * the tunnel creation route from outside, so that route stays as 1.0.12 has it.
 */
import {parseCreateTunnelBody} from '../../protocol/bodies.js';
import type {RouteContext, RouteTable} from '../http/route-table.js';
import {ServerError, type ServerErrorCode} from '../server-errors.js';
import type {RefusalEvents} from './refusal-events.js';

const REPORTED: ReadonlySet<ServerErrorCode> = new Set(['NETUNNEL_ERR_DESTINATION_NOT_ALLOWED', 'NETUNNEL_ERR_ENTRANCE_NOT_ALLOWED', 'NETUNNEL_ERR_ENTRANCE_UNAVAILABLE']);

export function reportTunnelRefusals(routes: RouteTable, refusals: RefusalEvents): RouteTable {
  const create = routes.rest.tunnels?.POST;
  if (!create) return routes;
  return {
    ...routes,
    rest: {
      ...routes.rest,
      tunnels: {
        ...routes.rest.tunnels,
        POST: async (context) => {
          try {
            return await create(context);
          } catch (error) {
            if (error instanceof ServerError && REPORTED.has(error.code)) await report(context, error, refusals);
            throw error;
          }
        },
      },
    },
  };
}

async function report(context: RouteContext, error: ServerError, refusals: RefusalEvents): Promise<void> {
  // The body passed its checks before the refusal: it is read once, and parses again.
  const body = parseCreateTunnelBody(await context.readBody());
  const channelId = context.params.channelId!;
  const {remoteAddress} = context.auth;
  if (body.reverse) refusals.entranceRefused(channelId, remoteAddress, {address: body.entrance_address, port: body.entrance_port}, error.message);
  else refusals.destinationRefused(channelId, remoteAddress, {address: body.exit_address, port: body.exit_port}, error.message);
}
