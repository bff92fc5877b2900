/**
 * What the console asks of one server, as one interface: the management API (ours only),
 * the 1.0.12 REST routes (peers, static tunnels, proxy, factory reset, deleting a tunnel),
 * and the event stream. The live implementation (connectApi) sits on the client library;
 * tests of the store and the components can hand in any object of this shape.
 *
 * Peers and static tunnels come from both kinds of server: a 1.0.12 one answers without our
 * live fields (status, last_error, since, counters), which the protocol types make optional.
 */
import type {ChannelDetails, ChannelInfo, PeerInfo, ServerEvent, ServerInfo, StaticTunnelInfo, TunnelInfo} from '../protocol/management.js';
import type {HttpProxyInfo} from '../protocol/server-objects.js';

export type {ChannelDetails, ChannelInfo, ServerEvent, ServerInfo, TunnelInfo};

/** A static tunnel as either kind of server answers it (1.0.12 without the live fields). */
export type StaticTunnelRecord = StaticTunnelInfo;
/** A peer as either kind of server answers it (1.0.12 without `status`). */
export type PeerRecord = PeerInfo;
/** `{}` when the server has no proxy; credentials come back as `******`. */
export type HttpProxyRecord = HttpProxyInfo;

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
