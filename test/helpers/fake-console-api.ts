/**
 * An in-memory ConsoleApi for component and store tests: it answers from plain data and lets
 * the test push `/events` frames and stream states. (Tests against real servers use the
 * client library through connectApi.)
 */
import type {ConsoleApi, HttpProxyRecord, PeerRecord, StreamState} from '../../source/console/api.js';
import type {ChannelInfo, PeerInfo, ServerEvent, ServerInfo, StaticTunnelInfo, TunnelInfo} from '../../source/protocol/management.js';
import {ServerRefusedError, ServerUnreachableError} from '../../source/client/client-errors.js';

export const SERVER_INFO: ServerInfo = {
  implementation: 'netunnel-ts',
  version: '0.1.0',
  protocol: '1.0.12',
  features: ['management-api', 'events'],
  started_at: '2026-11-27T14:00:00.000Z',
  hostname: 'test-host',
};

export function channel(id: number, overrides: Partial<ChannelInfo> = {}): ChannelInfo {
  return {
    id,
    client_version: '1.0.12',
    client_features: ['management-api'],
    remote_address: '127.0.0.1',
    connected: true,
    created_at: '2026-11-27T14:00:00.000Z',
    connected_at: '2026-11-27T14:00:00.000Z',
    last_seen: '2026-11-27T14:00:00.000Z',
    tunnel_count: 0,
    ...overrides,
  };
}

export function tunnel(channelId: number, id: number, overrides: Partial<TunnelInfo> = {}): TunnelInfo {
  return {
    channel_id: channelId,
    id,
    direction: 'forward',
    entrance: {address: '127.0.0.1', port: 40000 + id},
    exit: {address: '127.0.0.1', port: 22},
    connections: {active: 0, total: 0},
    bytes: {sent: 0, received: 0},
    durations_ms: {p50: null, p90: null},
    created_at: '2026-11-27T14:00:00.000Z',
    ...overrides,
  };
}

export function peer(id: number, name: string, staticTunnels: StaticTunnelInfo[] = [], overrides: Partial<PeerInfo> = {}): PeerInfo {
  return {id, name, target_netunnel_url: `http://10.0.0.${id}:4040`, auth_data: {}, static_tunnels: staticTunnels, status: 'online', ...overrides};
}

export function staticTunnel(id: number, overrides: Partial<StaticTunnelInfo> = {}): StaticTunnelInfo {
  return {
    id,
    tunnel_local_address: '127.0.0.1',
    tunnel_local_port: 20000 + id - 1,
    tunnel_remote_address: '127.0.0.1',
    tunnel_remote_port: 22,
    status: 'online',
    last_error: null,
    since: '2026-11-27T14:00:00.000Z',
    connections: {active: 0, total: 0},
    bytes: {sent: 0, received: 0},
    ...overrides,
  };
}

export class FakeConsoleApi implements ConsoleApi {
  readonly serverUrl: string;
  /** null: a 1.0.12-like server. */
  info: ServerInfo | null = SERVER_INFO;
  version = '1.0.12';
  reachable = true;
  peers: PeerRecord[] = [];
  proxy: HttpProxyRecord = {};
  /** The next mutating call fails with this refusal. */
  refuseNext: string | undefined;
  readonly calls: string[] = [];
  private listeners: Array<{onEvent: (event: ServerEvent) => void; onState?: (state: StreamState, detail?: string) => void}> = [];

  constructor(url = 'http://127.0.0.1:4040') {
    this.serverUrl = url;
  }

  /** Sends a frame to every subscriber. */
  emit(event: ServerEvent): void {
    for (const listener of this.listeners) listener.onEvent(event);
  }

  emitState(state: StreamState, detail?: string): void {
    for (const listener of this.listeners) listener.onState?.(state, detail);
  }

  get subscribers(): number {
    return this.listeners.length;
  }

  private async answer<T>(call: string, value: () => T): Promise<T> {
    this.calls.push(call);
    if (!this.reachable) throw new ServerUnreachableError(`Cannot reach ${this.serverUrl}: connect ECONNREFUSED`);
    if (this.refuseNext !== undefined && !call.startsWith('get') && !call.startsWith('list')) {
      const message = this.refuseNext;
      this.refuseNext = undefined;
      throw new ServerRefusedError(400, message);
    }
    return value();
  }

  getServerInfo() {
    return this.answer('getServerInfo', () => this.info);
  }
  getVersion() {
    return this.answer('getVersion', () => this.version);
  }
  listChannels() {
    return this.answer('listChannels', () => [] as ChannelInfo[]);
  }
  getChannel(channelId: number) {
    return this.answer(`getChannel ${channelId}`, () => ({...channel(channelId), tunnels: []}));
  }
  disconnectChannel(channelId: number) {
    return this.answer(`disconnectChannel ${channelId}`, () => undefined);
  }
  listTunnels() {
    return this.answer('listTunnels', () => [] as TunnelInfo[]);
  }
  deleteTunnel(channelId: number, tunnelId: number, force: boolean) {
    return this.answer(`deleteTunnel ${channelId}/${tunnelId} force=${force}`, () => undefined);
  }
  subscribe(onEvent: (event: ServerEvent) => void, onState?: (state: StreamState, detail?: string) => void) {
    const listener = {onEvent, ...(onState ? {onState} : {})};
    this.listeners.push(listener);
    return {
      close: () => {
        this.listeners = this.listeners.filter((candidate) => candidate !== listener);
      },
    };
  }
  listPeers() {
    return this.answer('listPeers', () => structuredClone(this.peers));
  }
  getPeer(peerId: number) {
    return this.answer(`getPeer ${peerId}`, () => structuredClone(this.peers.find((candidate) => candidate.id === peerId)!));
  }
  registerPeer(options: {name: string; targetNetunnelUrl: string; authData?: Record<string, unknown>}) {
    return this.answer(`registerPeer ${options.name} ${options.targetNetunnelUrl} ${JSON.stringify(options.authData ?? null)}`, () => {
      const created = peer(this.peers.length + 1, options.name, [], {target_netunnel_url: options.targetNetunnelUrl});
      this.peers.push(created);
      return created;
    });
  }
  updatePeer(peerId: number, options: {name?: string; targetNetunnelUrl?: string; authData?: Record<string, unknown>}) {
    return this.answer(`updatePeer ${peerId} ${JSON.stringify(options)}`, () => {
      const found = this.peers.find((candidate) => candidate.id === peerId)!;
      if (options.name !== undefined) found.name = options.name;
      if (options.targetNetunnelUrl !== undefined) found.target_netunnel_url = options.targetNetunnelUrl;
      return structuredClone(found);
    });
  }
  deletePeer(peerId: number) {
    return this.answer(`deletePeer ${peerId}`, () => {
      this.peers = this.peers.filter((candidate) => candidate.id !== peerId);
    });
  }
  listStaticTunnels(peerId: number) {
    return this.answer(`listStaticTunnels ${peerId}`, () => structuredClone(this.peers.find((candidate) => candidate.id === peerId)?.static_tunnels ?? []));
  }
  createStaticTunnel(peerId: number, options: {remotePort: number; remoteAddress?: string; localAddress?: string}) {
    return this.answer(`createStaticTunnel ${peerId} ${JSON.stringify(options)}`, () => {
      const found = this.peers.find((candidate) => candidate.id === peerId)!;
      const created = staticTunnel(found.static_tunnels.length + 1, {tunnel_remote_port: options.remotePort});
      found.static_tunnels.push(created);
      return created;
    });
  }
  deleteStaticTunnel(peerId: number, staticTunnelId: number) {
    return this.answer(`deleteStaticTunnel ${peerId}/${staticTunnelId}`, () => undefined);
  }
  getHttpProxy() {
    return this.answer('getHttpProxy', () => this.proxy);
  }
  setHttpProxy(options: {proxyUrl: string; username?: string; password?: string; testUrl?: string; checkProxy?: boolean}) {
    return this.answer(`setHttpProxy ${JSON.stringify(options)}`, () => {
      this.proxy = {proxy_url: options.proxyUrl, username: options.username ? '******' : null, password: options.password ? '******' : null};
      return this.proxy;
    });
  }
  clearHttpProxy() {
    return this.answer('clearHttpProxy', () => {
      this.proxy = {};
      return this.proxy;
    });
  }
  factoryReset(options: {disconnectClients?: boolean}) {
    return this.answer(`factoryReset ${JSON.stringify(options)}`, () => undefined);
  }
  close() {
    this.calls.push('close');
  }
}
