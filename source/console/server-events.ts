/**
 * What our server's `/events` stream says about it, folded into plain data: a pure reducer
 * (the state before and one event in, the state after out), so that the live connection
 * only decides when to apply it and the rules are tested without any stream.
 */
import type {ChannelInfo, ServerInfo, TunnelInfo} from '../protocol/management.js';
import type {ServerEvent} from '../protocol/server-events.js';
import {summarizePeerStatus, type PeerInfo} from '../protocol/server-objects.js';

export interface StreamedServer {
  info: ServerInfo | null;
  channels: ChannelInfo[];
  peers: PeerInfo[];
  /** Every tunnel of every channel, by tunnelKey, with the counters of the latest stats frame. */
  tunnels: ReadonlyMap<string, TunnelInfo>;
}

export const EMPTY_STREAMED_SERVER: StreamedServer = {info: null, channels: [], peers: [], tunnels: new Map()};

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
    case 'snapshot':
      return {
        info: event.server,
        channels: sortById(event.channels),
        peers: sortById(event.peers),
        tunnels: new Map(event.tunnels.map((tunnel) => [tunnelKey(tunnel.channel_id, tunnel.id), tunnel])),
      };
    case 'channel.opened':
      return {...state, channels: sortById([...state.channels.filter((channel) => channel.id !== event.channel.id), event.channel])};
    case 'channel.closed': {
      const tunnels = new Map([...state.tunnels].filter(([, tunnel]) => tunnel.channel_id !== event.channel_id));
      return {...state, tunnels, channels: state.channels.filter((channel) => channel.id !== event.channel_id)};
    }
    case 'tunnel.created': {
      const tunnels = new Map(state.tunnels).set(tunnelKey(event.tunnel.channel_id, event.tunnel.id), event.tunnel);
      return {...state, tunnels, channels: withTunnelCount(state.channels, tunnels, event.tunnel.channel_id)};
    }
    case 'tunnel.deleted': {
      const tunnels = new Map(state.tunnels);
      tunnels.delete(tunnelKey(event.channel_id, event.tunnel_id));
      return {...state, tunnels, channels: withTunnelCount(state.channels, tunnels, event.channel_id)};
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
      for (const stats of event.tunnels) {
        const key = tunnelKey(stats.channel_id, stats.id);
        const tunnel = tunnels.get(key);
        if (tunnel) tunnels.set(key, {...tunnel, connections: stats.connections, bytes: stats.bytes});
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
      return {...state, tunnels, peers, channels};
    }
    default:
      return state;
  }
}
