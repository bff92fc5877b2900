/** Our server's objects as the management API shows them (protocol/management.ts, protocol/connections.ts). */
import type {TunnelTraffic} from '../../engine/traffic.js';
import type {ConnectLatency, Heartbeat, Percentiles} from '../../protocol/connections.js';
import type {ByteCounters, ChannelDetails, ChannelInfo, ConnectionCounters, TunnelInfo} from '../../protocol/management.js';
import type {TunnelStats} from '../../protocol/server-events.js';
import type {ServerChannel} from '../channels/server-channel.js';
import type {ServerTunnel} from '../channels/server-tunnel.js';

const iso = (date: Date | undefined) => (date ? date.toISOString() : null);

/** Latencies are measured to the microsecond; two decimals of a millisecond say enough. */
const roundMs = (ms: number | null) => (ms === null ? null : Math.round(ms * 100) / 100);

export function connectionCounters(traffic: TunnelTraffic): ConnectionCounters {
  return {active: traffic.activeConnections, total: traffic.totalConnections};
}

export function byteCounters(traffic: TunnelTraffic): ByteCounters {
  return {sent: traffic.bytesToExit, received: traffic.bytesToEntrance};
}

export function durations(traffic: TunnelTraffic): Percentiles {
  return traffic.durations.percentiles();
}

export function connectLatency(traffic: TunnelTraffic): ConnectLatency {
  const {p50, p90} = traffic.connectTimes.percentiles();
  return {p50: roundMs(p50), p90: roundMs(p90), history: traffic.connectTimes.history().map(roundMs)};
}

export function heartbeat(channel: ServerChannel): Heartbeat {
  return {rtt_ms: roundMs(channel.heartbeatRttMs ?? null), last_pong_at: iso(channel.lastPongAt)};
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
    heartbeat: heartbeat(channel),
  };
}

export function tunnelInfo(channel: ServerChannel, tunnel: ServerTunnel): TunnelInfo {
  return {
    channel_id: channel.id,
    id: tunnel.id,
    direction: tunnel.direction,
    entrance: tunnel.entrance,
    exit: tunnel.exit,
    connections: connectionCounters(tunnel.traffic),
    bytes: byteCounters(tunnel.traffic),
    durations_ms: durations(tunnel.traffic),
    created_at: tunnel.createdAt.toISOString(),
    state: channel.draining.has(tunnel.id) ? 'draining' : 'open',
    connect_ms: connectLatency(tunnel.traffic),
  };
}

/** What a stats frame says of a tunnel. */
export function tunnelStats(channelId: number, tunnel: ServerTunnel): TunnelStats {
  const {traffic} = tunnel;
  return {
    channel_id: channelId,
    id: tunnel.id,
    connections: connectionCounters(traffic),
    bytes: byteCounters(traffic),
    durations_ms: durations(traffic),
    connect_ms: connectLatency(traffic),
  };
}

export function allTunnels(channels: readonly ServerChannel[]): TunnelInfo[] {
  return channels.flatMap((channel) => [...channel.tunnels.values()].map((tunnel) => tunnelInfo(channel, tunnel)));
}

export function channelDetails(channel: ServerChannel): ChannelDetails {
  return {...channelInfo(channel), tunnels: [...channel.tunnels.values()].map((tunnel) => tunnelInfo(channel, tunnel))};
}
