/**
 * Draining a tunnel (docs/management-api.md): it takes no new connection, its client is told
 * (DELETE_TUNNEL with force false, which a 1.0.12 client understands too: its entrance stops
 * accepting), the open connections run to their end, or are cut after `timeout_ms`; then the
 * tunnel goes, as a deleted one.
 */
import {operations} from '../../protocol/operations.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import type {ServerChannel} from '../channels/server-channel.js';
import type {ServerTunnel} from '../channels/server-tunnel.js';
import {serve} from '../http/operation-routes.js';
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
  return serve(operations.drainTunnel, async ({params, input}) => {
    const channel = channels.get(params.channelId!);
    const tunnel = channel.getTunnel(params.tunnelId!);
    const {timeout_ms: timeoutMs = null} = await input();
    const drained = channel.drainTunnel(tunnel.id);
    if (timeoutMs === null) drained.catch(() => {});
    else cutAfter(channel, tunnel, timeoutMs, drained);
    return {
      channel_id: channel.id,
      tunnel_id: tunnel.id,
      state: 'draining' as const,
      connections: {active: tunnel.traffic.activeConnections, total: tunnel.traffic.totalConnections},
      timeout_ms: timeoutMs,
    };
  });
}
