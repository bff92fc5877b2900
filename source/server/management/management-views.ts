/** Our server's objects as the management API shows them (protocol/management.ts). */
import type {TunnelTraffic} from '../../engine/traffic.js';
import type {ByteCounters, ChannelDetails, ChannelInfo, ConnectionCounters, TunnelInfo} from '../../protocol/management.js';
import type {ServerChannel} from '../channels/server-channel.js';
import type {ServerTunnel} from '../channels/server-tunnel.js';

const iso = (date: Date | undefined) => (date ? date.toISOString() : null);

export function connectionCounters(traffic: TunnelTraffic): ConnectionCounters {
  return {active: traffic.activeConnections, total: traffic.totalConnections};
}

export function byteCounters(traffic: TunnelTraffic): ByteCounters {
  return {sent: traffic.bytesToExit, received: traffic.bytesToEntrance};
}

export function channelInfo(channel: ServerChannel): ChannelInfo {
  return {
    id: channel.id,
    client_version: channel.clientVersion,
    client_features: channel.clientFeatures,
    remote_address: channel.remoteAddress ?? null,
    connected: channel.connected,
    created_at: channel.createdAt.toISOString(),
    connected_at: iso(channel.connectedAt),
    last_seen: iso(channel.connectedAt ? channel.lastSeenAt : undefined),
    tunnel_count: channel.tunnels.size,
  };
}

export function tunnelInfo(channelId: number, tunnel: ServerTunnel): TunnelInfo {
  const {p50, p90} = tunnel.traffic.durations.percentiles();
  return {
    channel_id: channelId,
    id: tunnel.id,
    direction: tunnel.direction,
    entrance: tunnel.entrance,
    exit: tunnel.exit,
    connections: connectionCounters(tunnel.traffic),
    bytes: byteCounters(tunnel.traffic),
    durations_ms: {p50: p50 ?? null, p90: p90 ?? null},
    created_at: tunnel.createdAt.toISOString(),
  };
}

export function channelDetails(channel: ServerChannel): ChannelDetails {
  return {...channelInfo(channel), tunnels: [...channel.tunnels.values()].map((tunnel) => tunnelInfo(channel.id, tunnel))};
}
