/**
 * Draining a tunnel (docs/management-api.md): it takes no new connection, its client is told
 * (DELETE_TUNNEL with force false, which a 1.0.12 client understands too: its entrance stops
 * accepting), the open connections run to their end, or are cut after `timeout_ms`; then the
 * tunnel goes, as a deleted one.
 */
import {parseBody} from '../../protocol/bodies.js';
import {drainBodySchema, type DrainAnswer} from '../../protocol/connections.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import type {ServerChannel} from '../channels/server-channel.js';
import type {ServerTunnel} from '../channels/server-tunnel.js';
import type {RouteTable} from '../http/route-table.js';

/**
 * Past the timeout, what is still open is cut (a forced stop of the draining tunnel); the drain
 * then ends as usual, so the tunnel goes after its last connection, as without a timeout.
 */
function cutAfter(channel: ServerChannel, tunnel: ServerTunnel, timeoutMs: number, drained: Promise<void>): void {
  const timer = setTimeout(() => {
    if (channel.draining.has(tunnel.id)) void tunnel.stop(true);
  }, timeoutMs);
  timer.unref();
  const stop = () => clearTimeout(timer);
  drained.then(stop, stop);
}

export function drainRoutes(channels: ChannelRegistry): RouteTable {
  return {
    rest: {
      tunnelDrain: {
        POST: async ({params, readBody}) => {
          const channel = channels.get(params.channelId!);
          const tunnel = channel.getTunnel(params.tunnelId!);
          const {timeout_ms: timeoutMs = null} = parseBody(drainBodySchema, (await readBody()) ?? {});
          const drained = channel.drainTunnel(tunnel.id);
          if (timeoutMs === null) drained.catch(() => {});
          else cutAfter(channel, tunnel, timeoutMs, drained);
          const answer: DrainAnswer = {
            channel_id: channel.id,
            tunnel_id: tunnel.id,
            state: 'draining',
            connections: {active: tunnel.traffic.activeConnections, total: tunnel.traffic.totalConnections},
            timeout_ms: timeoutMs,
          };
          return {json: answer};
        },
      },
    },
    upgrade: {},
  };
}
