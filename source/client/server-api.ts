/**
 * The REST calls of a NETunnel server that need no channel (PROTOCOL.md 2, 4): version, peers,
 * static tunnels, the global HTTP proxy, factory reset. Works against our server and against
 * 1.0.12 (whose answers lack our live `status` fields). Failures throw ServerRefusedError
 * (with the server's message) or ServerUnreachableError.
 */
import {paths} from '../protocol/routes.js';
import type {HttpProxyInfo, PeerInfo, StaticTunnelInfo} from '../protocol/server-objects.js';
import {ServerTransport, type TransportOptions} from './server-transport.js';

export type {HttpProxyInfo, PeerInfo, PeerStatus, StaticTunnelInfo, StaticTunnelStatus} from '../protocol/server-objects.js';

export interface RegisterPeerOptions {
  name: string;
  /** The peer's NETunnel server, e.g. `https://peer.example.com/netunnel`. */
  targetNetunnelUrl: string;
  /** What the server's auth plugin needs to authenticate with the peer (default `{}`). */
  authData?: Record<string, unknown>;
}

export interface UpdatePeerOptions {
  name?: string;
  targetNetunnelUrl?: string;
  authData?: Record<string, unknown>;
}

export interface CreateStaticTunnelOptions {
  /** The exit, as the peer reaches it. */
  remotePort: number;
  remoteAddress?: string;
  /** Where this server listens (the port is chosen by the server). */
  localAddress?: string;
}

export interface SetHttpProxyOptions {
  proxyUrl: string;
  /** Username and password come together or not at all. */
  username?: string;
  password?: string;
  /** Fetched through the proxy to check it (default: the server's `http_proxy_test_url`). */
  testUrl?: string;
  /** False skips the check. */
  checkProxy?: boolean;
}

export class ServerApi {
  readonly transport: ServerTransport;
  private readonly ownsTransport: boolean;

  /** Give it a client's transport to share its auth and proxy, or options for a transport of its own. */
  constructor(transport: ServerTransport | TransportOptions) {
    this.ownsTransport = !(transport instanceof ServerTransport);
    this.transport = transport instanceof ServerTransport ? transport : new ServerTransport(transport);
  }

  /** `GET /version`. */
  getServerVersion(): Promise<string> {
    return this.transport.requestText(paths.version());
  }

  /** Every peer, or those called `name`. */
  async listPeers(name?: string): Promise<PeerInfo[]> {
    return (await this.transport.request('GET', paths.peers(name))) as PeerInfo[];
  }

  async getPeer(peerId: number): Promise<PeerInfo> {
    return (await this.transport.request('GET', paths.peer(peerId))) as PeerInfo;
  }

  /** The peer called `name`, or undefined. */
  async findPeerByName(name: string): Promise<PeerInfo | undefined> {
    return (await this.listPeers(name)).find((peer) => peer.name === name);
  }

  /** The server checks that it can reach the peer before registering it. */
  async registerPeer(options: RegisterPeerOptions): Promise<PeerInfo> {
    return (await this.transport.request('POST', paths.peers(), {
      name: options.name,
      target_netunnel_url: options.targetNetunnelUrl,
      auth_data: options.authData ?? {},
    })) as PeerInfo;
  }

  /** Renames the peer and/or changes how it is reached (its static tunnels then reconnect). */
  async updatePeer(peerId: number, options: UpdatePeerOptions): Promise<PeerInfo> {
    const body: Record<string, unknown> = {};
    if (options.name !== undefined) body.name = options.name;
    if (options.targetNetunnelUrl !== undefined) body.target_netunnel_url = options.targetNetunnelUrl;
    if (options.authData !== undefined) body.auth_data = options.authData;
    return (await this.transport.request('POST', paths.peer(peerId), body)) as PeerInfo;
  }

  /** Deletes the peer and stops its static tunnels. */
  async deletePeer(peerId: number): Promise<void> {
    await this.transport.request('DELETE', paths.peer(peerId));
  }

  async listStaticTunnels(peerId: number): Promise<StaticTunnelInfo[]> {
    return (await this.transport.request('GET', paths.staticTunnels(peerId))) as StaticTunnelInfo[];
  }

  /** A permanent tunnel from a port the server chooses to remoteAddress:remotePort through the peer. */
  async createStaticTunnel(peerId: number, options: CreateStaticTunnelOptions): Promise<StaticTunnelInfo> {
    const body: Record<string, unknown> = {tunnel_remote_port: options.remotePort};
    if (options.remoteAddress !== undefined) body.tunnel_remote_address = options.remoteAddress;
    if (options.localAddress !== undefined) body.tunnel_local_address = options.localAddress;
    return (await this.transport.request('POST', paths.staticTunnels(peerId), body)) as StaticTunnelInfo;
  }

  async getStaticTunnel(peerId: number, staticTunnelId: number): Promise<StaticTunnelInfo> {
    return (await this.transport.request('GET', paths.staticTunnel(peerId, staticTunnelId))) as StaticTunnelInfo;
  }

  async deleteStaticTunnel(peerId: number, staticTunnelId: number): Promise<void> {
    await this.transport.request('DELETE', paths.staticTunnel(peerId, staticTunnelId));
  }

  /** `{}` when there is none; credentials show as `******`. */
  async getHttpProxy(): Promise<HttpProxyInfo> {
    return (await this.transport.request('GET', paths.httpProxy())) as HttpProxyInfo;
  }

  /** Sets the global proxy (checked first unless checkProxy is false); static tunnels reconnect through it. */
  async setHttpProxy(options: SetHttpProxyOptions): Promise<HttpProxyInfo> {
    const body: Record<string, unknown> = {proxy_url: options.proxyUrl};
    if (options.username !== undefined) body.username = options.username;
    if (options.password !== undefined) body.password = options.password;
    if (options.testUrl !== undefined) body.test_url = options.testUrl;
    if (options.checkProxy !== undefined) body.check_proxy = options.checkProxy;
    return (await this.transport.request('POST', paths.httpProxy(), body)) as HttpProxyInfo;
  }

  /** Removes the global proxy. */
  async clearHttpProxy(): Promise<HttpProxyInfo> {
    return (await this.transport.request('POST', paths.httpProxy(), {proxy_url: null})) as HttpProxyInfo;
  }

  /** Erases the server's configuration (peers, static tunnels, proxy); cannot be undone. */
  async factoryReset(options: {disconnectClients?: boolean} = {}): Promise<void> {
    await this.transport.request('POST', paths.factoryReset(), {disconnect_clients: options.disconnectClients ?? false});
  }

  /** Releases the transport's connections (only when it is this object's own). */
  close(): void {
    if (this.ownsTransport) this.transport.close();
  }
}
