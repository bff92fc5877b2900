/**
 * The shapes of our management API (DESIGN.md "Management API"): JSON answers and the
 * frames of the `/events` websocket. 1.0.12 has none of this; a client finds out whether a
 * server has it through `GET /server-info` (404 on 1.0.12) or the `features` key of the
 * `POST /channels` answer.
 */
import type {SocketAddress} from './socket-address.js';

/**
 * What our implementation understands, announced by both our client and our server.
 * `websocket-tokens`: see websocket-tokens.ts.
 */
export const FEATURES = ['management-api', 'events', 'metrics', 'entrance-port', 'endpoint-report', 'websocket-tokens'] as const;
export type Feature = (typeof FEATURES)[number];

export interface ServerInfo {
  implementation: string;
  version: string;
  protocol: string;
  features: string[];
  /** ISO 8601 */
  started_at: string;
  hostname: string;
  /** Listening beyond loopback without an auth plugin: anyone who reaches it may use it (absent from older servers). */
  exposed_without_auth?: boolean;
}

/** Which side listens: forward, the client (the server reaches the exit); reverse, the server. */
export type TunnelDirection = 'forward' | 'reverse';

export interface ChannelInfo {
  id: number;
  client_version: string;
  /** Features the client announced ([] for a 1.0.12 client). */
  client_features: string[];
  remote_address: string | null;
  /** True while the control websocket is open. */
  connected: boolean;
  created_at: string;
  connected_at: string | null;
  last_seen: string | null;
  tunnel_count: number;
}

export interface ChannelDetails extends ChannelInfo {
  tunnels: TunnelInfo[];
}

export interface ConnectionCounters {
  active: number;
  total: number;
}

/** Bytes as seen by the tunnel: `sent` entered at the entrance toward the exit, `received` came back. */
export interface ByteCounters {
  sent: number;
  received: number;
}

export interface TunnelInfo {
  channel_id: number;
  id: number;
  direction: TunnelDirection;
  /** Where the tunnel is entered (null when the other side did not say: a 1.0.12 client). */
  entrance: SocketAddress | null;
  /** Where the tunnel leads (null when the other side did not say). */
  exit: SocketAddress | null;
  connections: ConnectionCounters;
  bytes: ByteCounters;
  /** Durations of the connections that ended in the last minutes (null: none). */
  durations_ms: {p50: number | null; p90: number | null};
  created_at: string;
}

/** Peers and static tunnels keep 1.0.12's shapes plus live fields: see server-objects.ts. */
export type {PeerInfo, PeerStatus, StaticTunnelInfo, StaticTunnelStatus} from './server-objects.js';
import type {PeerInfo, StaticTunnelInfo} from './server-objects.js';

/** Counters of one tunnel that moved since the previous stats frame. */
export interface TunnelStats {
  channel_id: number;
  id: number;
  connections: ConnectionCounters;
  bytes: ByteCounters;
}

export interface StaticTunnelStats {
  peer_id: number;
  id: number;
  connections: ConnectionCounters;
  bytes: ByteCounters;
}

export type ServerEvent =
  | {type: 'snapshot'; server: ServerInfo; channels: ChannelInfo[]; tunnels: TunnelInfo[]; peers: PeerInfo[]}
  | {type: 'channel.opened'; channel: ChannelInfo}
  | {type: 'channel.closed'; channel_id: number}
  | {type: 'tunnel.created'; tunnel: TunnelInfo}
  | {type: 'tunnel.deleted'; channel_id: number; tunnel_id: number}
  | {type: 'peer.added'; peer: PeerInfo}
  | {type: 'peer.changed'; peer: PeerInfo}
  | {type: 'peer.removed'; peer_id: number}
  | {type: 'static_tunnel.status'; peer_id: number; static_tunnel: StaticTunnelInfo}
  | {type: 'stats'; at: string; tunnels: TunnelStats[]; static_tunnels: StaticTunnelStats[]};

export type ServerEventType = ServerEvent['type'];
