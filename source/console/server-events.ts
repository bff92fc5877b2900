/**
 * What our server's `/events` stream says about it, folded into plain data: a pure reducer
 * (the state before and one event in, the state after out), so that the live connection
 * only decides when to apply it and the rules are tested without any stream.
 */
import type {ConnectionInfo} from '../protocol/connections.js';
import type {ChannelInfo, ServerInfo, TunnelInfo} from '../protocol/management.js';
import type {ServerEvent} from '../protocol/server-events.js';
import {summarizePeerStatus, type PeerInfo} from '../protocol/server-objects.js';
import {serverTime} from './server-clock.js';

export interface StreamedServer {
  info: ServerInfo | null;
  channels: ChannelInfo[];
  peers: PeerInfo[];
  /** Every tunnel of every channel, by tunnelKey, with the counters of the latest stats frame. */
  tunnels: ReadonlyMap<string, StreamedTunnel>;
  /** Every open connection listed so far, by id, with the counters of the latest stats frame. */
  connections: ReadonlyMap<number, ConnectionInfo>;
  /** Per tunnel (tunnelKey): the connections that closed before they were ever listed, summed. */
  shortLived: ReadonlyMap<string, ShortLivedTotals>;
}

/**
 * A tunnel as the stream told it, and `connectAsOf`: the server's time (ms) of the frame that
 * last told its `connect_ms`, whose `history` ends at that second (the console slides it from
 * there); absent when no frame said (an older server of ours, or no history yet).
 */
export interface StreamedTunnel extends TunnelInfo {
  connectAsOf?: number;
}

/** Connections a tunnel carried for less than a stats interval, only counted (`short_lived`). */
export interface ShortLivedTotals {
  count: number;
  aborted: number;
  sent: number;
  received: number;
}

export const EMPTY_STREAMED_SERVER: StreamedServer = {
  info: null,
  channels: [],
  peers: [],
  tunnels: new Map(),
  connections: new Map(),
  shortLived: new Map(),
};

/** `channel/tunnel`: a tunnel's key, unique on one server. */
export function tunnelKey(channelId: number, tunnelId: number): string {
  return `${channelId}/${tunnelId}`;
}

export function sortById<T extends {id: number}>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.id - b.id);
}

/** The channels with `channelId`'s tunnel count taken from the tunnels known. */
function withTunnelCount(channels: ChannelInfo[], tunnels: ReadonlyMap<string, TunnelInfo>, channelId: number): ChannelInfo[] {
  let count = 0;
  for (const tunnel of tunnels.values()) if (tunnel.channel_id === channelId) count += 1;
  return channels.map((channel) => (channel.id === channelId ? {...channel, tunnel_count: count} : channel));
}

/** The state after `event`; a frame type this console does not know (a newer server) changes nothing. */
export function reduceServerEvent(state: StreamedServer, event: ServerEvent): StreamedServer {
  switch (event.type) {
    case 'snapshot': {
      const at = serverTime(event.at);
      const tunnels = new Map(
        event.tunnels.map((tunnel): [string, StreamedTunnel] => [
          tunnelKey(tunnel.channel_id, tunnel.id),
          tunnel.connect_ms && at !== undefined ? {...tunnel, connectAsOf: at} : tunnel,
        ]),
      );
      return {
        info: event.server,
        channels: sortById(event.channels),
        peers: sortById(event.peers),
        tunnels,
        connections: new Map((event.connections ?? []).map((connection) => [connection.id, connection])),
        shortLived: new Map([...state.shortLived].filter(([key]) => tunnels.has(key))),
      };
    }
    case 'channel.opened':
      return {...state, channels: sortById([...state.channels.filter((channel) => channel.id !== event.channel.id), event.channel])};
    case 'channel.closed': {
      const tunnels = new Map([...state.tunnels].filter(([, tunnel]) => tunnel.channel_id !== event.channel_id));
      return {
        ...state,
        ...withoutConnectionsOf(state, (channelId) => channelId === event.channel_id),
        tunnels,
        channels: state.channels.filter((channel) => channel.id !== event.channel_id),
      };
    }
    case 'tunnel.created': {
      const tunnels = new Map(state.tunnels).set(tunnelKey(event.tunnel.channel_id, event.tunnel.id), event.tunnel);
      return {...state, tunnels, channels: withTunnelCount(state.channels, tunnels, event.tunnel.channel_id)};
    }
    case 'tunnel.deleted': {
      const tunnels = new Map(state.tunnels);
      tunnels.delete(tunnelKey(event.channel_id, event.tunnel_id));
      return {
        ...state,
        ...withoutConnectionsOf(state, (channelId, tunnelId) => channelId === event.channel_id && tunnelId === event.tunnel_id),
        tunnels,
        channels: withTunnelCount(state.channels, tunnels, event.channel_id),
      };
    }
    case 'peer.added':
    case 'peer.changed':
      return {...state, peers: sortById([...state.peers.filter((peer) => peer.id !== event.peer.id), event.peer])};
    case 'peer.removed':
      return {...state, peers: state.peers.filter((peer) => peer.id !== event.peer_id)};
    case 'static_tunnel.status':
      return {
        ...state,
        peers: state.peers.map((peer) => {
          if (peer.id !== event.peer_id) return peer;
          const staticTunnels = sortById([...peer.static_tunnels.filter((tunnel) => tunnel.id !== event.static_tunnel.id), event.static_tunnel]);
          // The server sends no peer.changed for it: the peer's summary follows its tunnels here.
          return {...peer, static_tunnels: staticTunnels, ...(peer.status === undefined ? {} : {status: summarizePeerStatus(staticTunnels)})};
        }),
      };
    case 'stats': {
      const tunnels = new Map(state.tunnels);
      const at = serverTime(event.at);
      for (const stats of event.tunnels) {
        const key = tunnelKey(stats.channel_id, stats.id);
        const tunnel = tunnels.get(key);
        if (!tunnel) continue;
        const told = stats.connect_ms && at !== undefined ? {connectAsOf: at} : {};
        tunnels.set(key, {...tunnel, connections: stats.connections, bytes: stats.bytes, ...latenciesOf(stats), ...told});
      }
      const peers = state.peers.map((peer) => {
        const moved = event.static_tunnels.filter((stats) => stats.peer_id === peer.id);
        if (moved.length === 0) return peer;
        return {
          ...peer,
          static_tunnels: peer.static_tunnels.map((tunnel) => {
            const stats = moved.find((candidate) => candidate.id === tunnel.id);
            return stats ? {...tunnel, connections: stats.connections, bytes: stats.bytes} : tunnel;
          }),
        };
      });
      const heartbeats = new Map((event.channels ?? []).map((stats) => [stats.id, stats.heartbeat]));
      const channels =
        heartbeats.size === 0
          ? state.channels
          : state.channels.map((channel) => {
              const heartbeat = heartbeats.get(channel.id);
              return heartbeat ? {...channel, heartbeat} : channel;
            });
      return {...state, tunnels, peers, channels, connections: withConnectionStats(state.connections, event)};
    }
    case 'tunnel.draining':
    case 'connection.opened':
    case 'connection.closed':
      return reduceConnectionEvent(state, event);
    default:
      return state;
  }
}

// ---------------------------------------------------------------- connections and drains

type StatsEvent = Extract<ServerEvent, {type: 'stats'}>;
type ConnectionEvent = Extract<ServerEvent, {type: 'tunnel.draining' | 'connection.opened' | 'connection.closed'}>;

/** A tunnel's latencies from a stats item: only those it carries (older servers send none). */
function latenciesOf(stats: StatsEvent['tunnels'][number]): Partial<Pick<TunnelInfo, 'durations_ms' | 'connect_ms'>> {
  return {...(stats.durations_ms ? {durations_ms: stats.durations_ms} : {}), ...(stats.connect_ms ? {connect_ms: stats.connect_ms} : {})};
}

/** Per-connection counters, state and last activity of a stats frame; idle_ms as of the frame. */
function withConnectionStats(connections: ReadonlyMap<number, ConnectionInfo>, event: StatsEvent): ReadonlyMap<number, ConnectionInfo> {
  const moved = event.connections ?? [];
  if (moved.length === 0) return connections;
  const next = new Map(connections);
  const at = serverTime(event.at);
  for (const stats of moved) {
    const connection = next.get(stats.id);
    if (!connection) continue;
    const idle = at === undefined ? connection.idle_ms : Math.max(0, at - Date.parse(stats.last_activity_at));
    next.set(stats.id, {...connection, state: stats.state, ended: stats.ended, bytes: stats.bytes, rate: stats.rate, last_activity_at: stats.last_activity_at, idle_ms: idle});
  }
  return next;
}

/** The state without the connections (and short-lived totals) of the tunnels `gone` names. */
function withoutConnectionsOf(state: StreamedServer, gone: (channelId: number, tunnelId: number) => boolean): Pick<StreamedServer, 'connections' | 'shortLived'> {
  const connections = new Map([...state.connections].filter(([, connection]) => !gone(connection.channel_id, connection.tunnel_id)));
  const shortLived = new Map(
    [...state.shortLived].filter(([key]) => {
      const [channelId, tunnelId] = key.split('/').map(Number);
      return !gone(channelId!, tunnelId!);
    }),
  );
  return {connections, shortLived};
}

function reduceConnectionEvent(state: StreamedServer, event: ConnectionEvent): StreamedServer {
  switch (event.type) {
    case 'tunnel.draining': {
      const key = tunnelKey(event.channel_id, event.tunnel_id);
      const tunnel = state.tunnels.get(key);
      return tunnel ? {...state, tunnels: new Map(state.tunnels).set(key, {...tunnel, state: 'draining'})} : state;
    }
    case 'connection.opened': {
      const connections = new Map(state.connections);
      for (const connection of event.connections) {
        // A connection of a tunnel already gone (its tunnel.deleted came first) is not shown again.
        if (state.tunnels.has(tunnelKey(connection.channel_id, connection.tunnel_id))) connections.set(connection.id, connection);
      }
      return {...state, connections};
    }
    case 'connection.closed': {
      const connections = new Map(state.connections);
      for (const closed of event.connections) connections.delete(closed.id);
      const shortLived = new Map(state.shortLived);
      for (const summary of event.short_lived) {
        const key = tunnelKey(summary.channel_id, summary.tunnel_id);
        if (!state.tunnels.has(key)) continue;
        const before = shortLived.get(key) ?? {count: 0, aborted: 0, sent: 0, received: 0};
        shortLived.set(key, {
          count: before.count + summary.count,
          aborted: before.aborted + summary.aborted,
          sent: before.sent + summary.bytes.sent,
          received: before.received + summary.bytes.received,
        });
      }
      return {...state, connections, shortLived};
    }
  }
}

/** The connections as GET /connections listed them (after frames said some were left out). */
export function withConnectionList(state: StreamedServer, listed: readonly ConnectionInfo[]): StreamedServer {
  const connections = new Map<number, ConnectionInfo>();
  for (const connection of listed) {
    if (state.tunnels.has(tunnelKey(connection.channel_id, connection.tunnel_id))) connections.set(connection.id, connection);
  }
  return {...state, connections};
}

/**
 * Whether a frame left connections out (`omitted`, `connections_omitted`), so that only
 * GET /connections can tell them all: `rows` when connections themselves are missing or
 * closed unseen, `counters` when only some counters lag (they come in a later frame).
 */
export function omissionOf(event: ServerEvent): 'rows' | 'counters' | null {
  if (event.type === 'snapshot') return (event.connections_omitted ?? 0) > 0 ? 'rows' : null;
  if (event.type === 'connection.opened' || event.type === 'connection.closed') return event.omitted > 0 ? 'rows' : null;
  if (event.type === 'stats') return (event.connections_omitted ?? 0) > 0 ? 'counters' : null;
  return null;
}
