/**
 * What the console asks of one server, as one interface: the management API (ours only),
 * the 1.0.12 REST routes (peers, static tunnels, proxy, factory reset, deleting a tunnel),
 * and the event stream. The live implementation (connectApi) sits on the client library;
 * tests of the store and the components can hand in any object of this shape.
 *
 * Peers and static tunnels come from both kinds of server: a 1.0.12 one answers without our
 * live fields (status, last_error, since, counters), so those are optional here.
 */
import type {
  ByteCounters,
  ChannelDetails,
  ChannelInfo,
  ConnectionCounters,
  ServerEvent,
  ServerInfo,
  TunnelInfo,
} from '../protocol/management.js';

export type {ChannelDetails, ChannelInfo, ServerEvent, ServerInfo, TunnelInfo};

export interface StaticTunnelRecord {
  id: number;
  tunnel_local_address: string;
  tunnel_local_port: number;
  tunnel_remote_address: string;
  tunnel_remote_port: number;
  /** Ours only: online / connecting / offline. */
  status?: string;
  last_error?: string | null;
  since?: string;
  connections?: ConnectionCounters;
  bytes?: ByteCounters;
}

export interface PeerRecord {
  id: number;
  name: string;
  target_netunnel_url: string;
  auth_data: Record<string, unknown>;
  static_tunnels: StaticTunnelRecord[];
  /** Ours only. */
  status?: string;
  last_error?: string | null;
  since?: string;
}

/** `{}` when the server has no proxy; credentials come back as `******`. */
export interface HttpProxyRecord {
  proxy_url?: string;
  username?: string | null;
  password?: string | null;
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventSubscription {
  close(): void;
}

export interface ConsoleApi {
  readonly serverUrl: string;
  /** null: the server has no management API (1.0.12, or ours with --no-extensions). */
  getServerInfo(): Promise<ServerInfo | null>;
  /** `GET /version`: also the console's round-trip probe. */
  getVersion(): Promise<string>;
  listChannels(): Promise<ChannelInfo[]>;
  getChannel(channelId: number): Promise<ChannelDetails>;
  disconnectChannel(channelId: number): Promise<void>;
  listTunnels(): Promise<TunnelInfo[]>;
  /** `DELETE /channels/{cid}/tunnels/{tid}`: the 1.0.12 route, the server tells the client. */
  deleteTunnel(channelId: number, tunnelId: number, force: boolean): Promise<void>;
  /** The `/events` stream: a snapshot first (and again after each reconnect), then changes. */
  subscribe(onEvent: (event: ServerEvent) => void, onState?: (state: StreamState, detail?: string) => void): EventSubscription;

  listPeers(name?: string): Promise<PeerRecord[]>;
  getPeer(peerId: number): Promise<PeerRecord>;
  registerPeer(options: {name: string; targetNetunnelUrl: string; authData?: Record<string, unknown>}): Promise<PeerRecord>;
  updatePeer(peerId: number, options: {name?: string; targetNetunnelUrl?: string; authData?: Record<string, unknown>}): Promise<PeerRecord>;
  deletePeer(peerId: number): Promise<void>;
  listStaticTunnels(peerId: number): Promise<StaticTunnelRecord[]>;
  createStaticTunnel(peerId: number, options: {remotePort: number; remoteAddress?: string; localAddress?: string}): Promise<StaticTunnelRecord>;
  deleteStaticTunnel(peerId: number, staticTunnelId: number): Promise<void>;
  getHttpProxy(): Promise<HttpProxyRecord>;
  setHttpProxy(options: {proxyUrl: string; username?: string; password?: string; testUrl?: string; checkProxy?: boolean}): Promise<HttpProxyRecord>;
  clearHttpProxy(): Promise<HttpProxyRecord>;
  factoryReset(options: {disconnectClients?: boolean}): Promise<void>;

  close(): void;
}
