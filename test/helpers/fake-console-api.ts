/**
 * An in-memory ManagementApi for component and store tests: it answers from plain data and lets
 * the test push `/events` frames and stream states. (Tests against real servers use the
 * client library's ManagementClient.)
 */
import type {SubscriptionState} from '../../source/client/event-subscription.js';
import type {ManagementApi} from '../../source/client/management-api.js';
import type {HttpProxyInfo} from '../../source/protocol/server-objects.js';
import type {ConnectionInfo} from '../../source/protocol/connections.js';
import type {ChannelInfo, ServerInfo, TunnelInfo} from '../../source/protocol/management.js';
import type {PeerInfo, StaticTunnelInfo} from '../../source/protocol/server-objects.js';
import type {ServerEvent} from '../../source/protocol/server-events.js';
import type {TunnelRow} from '../../source/console/store.js';
import type {ConnectionPaneRow} from '../../source/console/tui/pane-rows.js';
import {ServerRefusedError, ServerUnreachableError} from '../../source/client/client-errors.js';

export const SERVER_INFO: ServerInfo = {
  implementation: 'netunnel-ts',
  version: '0.1.0',
  protocol: '1.0.12',
  features: ['management-api', 'events', 'connections'],
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

/** A Connections pane row (pane-rows.ts): an open, quiet connection of tunnel 1/1 unless overridden. */
export function connectionPaneRow(id: number, overrides: Partial<ConnectionPaneRow> = {}): ConnectionPaneRow {
  return {
    key: `#${id}`,
    id,
    channelId: 1,
    tunnelId: 1,
    tunnelKey: '1/1',
    source: {address: '127.0.0.1', port: 50_000},
    openedAt: '2026-11-27T14:00:00.000Z',
    lastActivityAt: '2026-11-27T14:00:00.000Z',
    state: 'open',
    ended: null,
    sent: 0,
    received: 0,
    rateSent: 0,
    rateReceived: 0,
    own: false,
    tunnel: undefined,
    ...overrides,
  };
}

/** A connection as GET /connections and the event stream list it: an open, quiet one unless overridden. */
export function connectionInfo(id: number, overrides: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    id,
    channel_id: 1,
    tunnel_id: 1,
    source: {address: '127.0.0.1', port: 50000 + id},
    opened_at: '2026-11-27T14:33:01.000Z',
    last_activity_at: '2026-11-27T14:33:01.000Z',
    idle_ms: 0,
    state: 'open',
    ended: null,
    bytes: {sent: 0, received: 0},
    rate: {sent: 0, received: 0},
    ...overrides,
  };
}

/** A Tunnels pane row as the console builds it (tunnel-rows.ts): a quiet forward tunnel unless overridden. */
export function tunnelRow(channelId: number, id: number, overrides: Partial<TunnelRow> = {}): TunnelRow {
  return {
    key: `${channelId}/${id}`,
    channelId,
    id,
    direction: 'forward',
    entrance: {address: '127.0.0.1', port: 40000 + id},
    exit: {address: '10.0.0.5', port: 5432},
    active: 0,
    total: 0,
    sent: 0,
    received: 0,
    rate: 0,
    history: [],
    own: false,
    reopening: false,
    createdAt: '2026-11-27T14:00:00.000Z',
    durations: null,
    draining: false,
    connect: null,
    connectAsOf: null,
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

export class FakeConsoleApi implements ManagementApi {
  readonly serverUrl: string;
  /** null: a 1.0.12-like server. */
  info: ServerInfo | null = SERVER_INFO;
  version = '1.0.12';
  reachable = true;
  knownPeers: PeerInfo[] = [];
  currentProxy: HttpProxyInfo = {};
  /** The next mutating call fails with this refusal. */
  refuseNext: string | undefined;
  readonly calls: string[] = [];
  /** What `connections.list` answers. */
  knownConnections: ConnectionInfo[] = [];
  /** While set, `connections.list` answers only once it resolves (a list on its way). */
  connectionListGate: Promise<void> | undefined;
  private listeners: Array<{onEvent: (event: ServerEvent) => void; onState?: (state: SubscriptionState, detail?: string) => void}> = [];

  constructor(url = 'http://127.0.0.1:4040') {
    this.serverUrl = url;
  }

  /** Sends a frame to every subscriber. */
  emit(event: ServerEvent): void {
    for (const listener of this.listeners) listener.onEvent(event);
  }

  emitState(state: SubscriptionState, detail?: string): void {
    for (const listener of this.listeners) listener.onState?.(state, detail);
  }

  get subscribers(): number {
    return this.listeners.length;
  }

  /** Records the call (`group.method args`); reads always answer, changes may be refused once. */
  private async answer<T>(call: string, value: () => T): Promise<T> {
    this.calls.push(call);
    if (!this.reachable) throw new ServerUnreachableError(`Cannot reach ${this.serverUrl}: connect ECONNREFUSED`);
    const method = call.split(' ')[0]!.split('.')[1]!;
    if (this.refuseNext !== undefined && !['list', 'get', 'info', 'version', 'findByName', 'metrics'].includes(method)) {
      const message = this.refuseNext;
      this.refuseNext = undefined;
      throw new ServerRefusedError(400, message);
    }
    return value();
  }

  private peer(peerId: number): PeerInfo {
    return this.knownPeers.find((candidate) => candidate.id === peerId)!;
  }

  readonly server: ManagementApi['server'] = {
    version: () => this.answer('server.version', () => this.version),
    info: () => this.answer('server.info', () => this.info),
    metrics: () => this.answer('server.metrics', () => ''),
    factoryReset: (input = {}) => this.answer(`server.factoryReset ${JSON.stringify(input)}`, () => undefined),
  };

  readonly channels: ManagementApi['channels'] = {
    list: () => this.answer('channels.list', () => [] as ChannelInfo[]),
    get: (channelId) => this.answer(`channels.get ${channelId}`, () => ({...channel(channelId), tunnels: []})),
    disconnect: (channelId) => this.answer(`channels.disconnect ${channelId}`, () => undefined),
  };

  readonly tunnels: ManagementApi['tunnels'] = {
    list: () => this.answer('tunnels.list', () => [] as TunnelInfo[]),
    close: (channelId, tunnelId, input = {}) => this.answer(`tunnels.close ${channelId}/${tunnelId} force=${input.force ?? true}`, () => undefined),
    delete: (channelId, tunnelId, input = {}) => this.answer(`tunnels.delete ${channelId}/${tunnelId} force=${input.force ?? false}`, () => undefined),
    drain: (channelId, tunnelId, input = {}) =>
      this.answer(`tunnels.drain ${channelId}/${tunnelId} ${JSON.stringify(input)}`, () => ({
        channel_id: channelId,
        tunnel_id: tunnelId,
        state: 'draining' as const,
        connections: {active: 0, total: 0},
        timeout_ms: input.timeout_ms ?? null,
      })),
  };

  readonly connections: ManagementApi['connections'] = {
    list: async (filter = {}) => {
      const answer = this.answer(`connections.list ${JSON.stringify(filter)}`, () => structuredClone(this.knownConnections));
      await this.connectionListGate;
      return answer;
    },
    get: (connectionId) =>
      this.answer(`connections.get ${connectionId}`, () => {
        throw new ServerRefusedError(404, `Connection \`${connectionId}\` was not found`);
      }),
    close: (connectionId) => this.answer(`connections.close ${connectionId}`, () => undefined),
  };

  readonly peers: ManagementApi['peers'] = {
    list: () => this.answer('peers.list', () => structuredClone(this.knownPeers)),
    get: (peerId) => this.answer(`peers.get ${peerId}`, () => structuredClone(this.peer(peerId))),
    findByName: (name) => this.answer(`peers.findByName ${name}`, () => structuredClone(this.knownPeers.find((candidate) => candidate.name === name))),
    add: (input) =>
      this.answer(`peers.add ${input.name} ${input.target_netunnel_url} ${JSON.stringify(input.auth_data ?? null)}`, () => {
        const created = peer(this.knownPeers.length + 1, input.name, [], {target_netunnel_url: input.target_netunnel_url});
        this.knownPeers.push(created);
        return created;
      }),
    update: (peerId, input) =>
      this.answer(`peers.update ${peerId} ${JSON.stringify(input)}`, () => {
        const found = this.peer(peerId);
        if (input.name !== undefined) found.name = input.name;
        if (input.target_netunnel_url !== undefined) found.target_netunnel_url = input.target_netunnel_url;
        return structuredClone(found);
      }),
    remove: (peerId) =>
      this.answer(`peers.remove ${peerId}`, () => {
        this.knownPeers = this.knownPeers.filter((candidate) => candidate.id !== peerId);
      }),
  };

  readonly staticTunnels: ManagementApi['staticTunnels'] = {
    list: (peerId) => this.answer(`staticTunnels.list ${peerId}`, () => structuredClone(this.knownPeers.find((candidate) => candidate.id === peerId)?.static_tunnels ?? [])),
    get: (peerId, staticTunnelId) =>
      this.answer(`staticTunnels.get ${peerId}/${staticTunnelId}`, () => structuredClone(this.peer(peerId).static_tunnels.find((candidate) => candidate.id === staticTunnelId)!)),
    add: (peerId, input) =>
      this.answer(`staticTunnels.add ${peerId} ${JSON.stringify(input)}`, () => {
        const found = this.peer(peerId);
        const created = staticTunnel(found.static_tunnels.length + 1, {tunnel_remote_port: input.tunnel_remote_port});
        found.static_tunnels.push(created);
        return created;
      }),
    remove: (peerId, staticTunnelId) => this.answer(`staticTunnels.remove ${peerId}/${staticTunnelId}`, () => undefined),
  };

  readonly proxy: ManagementApi['proxy'] = {
    get: () => this.answer('proxy.get', () => this.currentProxy),
    set: (input) =>
      this.answer(`proxy.set ${JSON.stringify(input)}`, () => {
        this.currentProxy = {proxy_url: input.proxy_url ?? undefined, username: input.username ? '******' : null, password: input.password ? '******' : null};
        return this.currentProxy;
      }),
    clear: () =>
      this.answer('proxy.clear', () => {
        this.currentProxy = {};
        return this.currentProxy;
      }),
  };

  readonly events: ManagementApi['events'] = {
    subscribe: (onEvent, onState) => {
      const listener = {onEvent, ...(onState ? {onState} : {})};
      this.listeners.push(listener);
      return {
        close: () => {
          this.listeners = this.listeners.filter((candidate) => candidate !== listener);
        },
      };
    },
  };

  close() {
    this.calls.push('close');
  }
}
