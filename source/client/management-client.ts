/**
 * The client of a NETunnel server's REST routes (1.0.12's: version, peers, static tunnels,
 * the global HTTP proxy, factory reset; ours: server info, channels, tunnels, metrics) and of
 * its `/events` stream. Every call is an operation of protocol/operations.ts, its answer
 * parsed: failures throw ServerRefusedError (with the server's message), BadAnswerError or
 * ServerUnreachableError. Works against our server and against 1.0.12 (whose answers lack our
 * live fields; server.info() answers null there, and the rest of ours refuse with 404). What
 * answers at the URL without being a NETunnel server is a NotNetunnelServerError.
 */
import {operations} from '../protocol/operations.js';
import type {
  ChannelOperations,
  ConnectionOperations,
  EventOperations,
  ManagementApi,
  PeerOperations,
  ProxyOperations,
  ServerOperations,
  StaticTunnelOperations,
  TunnelOperations,
} from './management-api.js';
import {ServerRefusedError} from './client-errors.js';
import {EventSubscription} from './event-subscription.js';
import {callOperation} from './operation-call.js';
import {ServerTransport, type TransportOptions} from './server-transport.js';

export class ManagementClient implements ManagementApi {
  readonly transport: ServerTransport;
  private readonly ownsTransport: boolean;
  private readonly subscriptions = new Set<EventSubscription>();

  /** Give it a client's transport to share its auth and proxy, or options for a transport of its own. */
  constructor(transport: ServerTransport | TransportOptions) {
    this.ownsTransport = !(transport instanceof ServerTransport);
    this.transport = transport instanceof ServerTransport ? transport : new ServerTransport(transport);
  }

  get serverUrl(): string {
    return this.transport.serverUrl;
  }

  readonly server: ServerOperations = {
    version: () => callOperation(this.transport, operations.serverVersion, []),
    info: async () => {
      try {
        return await callOperation(this.transport, operations.serverInfo, []);
      } catch (error) {
        if (!(error instanceof ServerRefusedError && error.status === 404)) throw error;
        // No /server-info: a 1.0.12 server, if it answers /version as one (this throws NotNetunnelServerError if not).
        await this.server.version();
        return null;
      }
    },
    metrics: () => callOperation(this.transport, operations.metrics, []),
    factoryReset: async (input = {}) => {
      await callOperation(this.transport, operations.factoryReset, [], input);
    },
  };

  readonly channels: ChannelOperations = {
    list: () => callOperation(this.transport, operations.listChannels, []),
    get: (channelId) => callOperation(this.transport, operations.getChannel, [channelId]),
    disconnect: async (channelId) => {
      await callOperation(this.transport, operations.disconnectChannel, [channelId]);
    },
  };

  readonly tunnels: TunnelOperations = {
    list: () => callOperation(this.transport, operations.listTunnels, []),
    close: async (channelId, tunnelId, input = {}) => {
      await callOperation(this.transport, operations.closeTunnel, [channelId, tunnelId], {force: input.force ?? true});
    },
    delete: async (channelId, tunnelId, input = {}) => {
      await callOperation(this.transport, operations.deleteTunnel, [channelId, tunnelId], {force: input.force ?? false});
    },
    drain: (channelId, tunnelId, input = {}) => callOperation(this.transport, operations.drainTunnel, [channelId, tunnelId], input),
  };

  readonly connections: ConnectionOperations = {
    list: (filter) => callOperation(this.transport, operations.listConnections, [filter]),
    get: (connectionId) => callOperation(this.transport, operations.getConnection, [connectionId]),
    close: async (connectionId) => {
      await callOperation(this.transport, operations.closeConnection, [connectionId]);
    },
  };

  readonly peers: PeerOperations = {
    list: (name) => callOperation(this.transport, operations.listPeers, [name]),
    get: (peerId) => callOperation(this.transport, operations.getPeer, [peerId]),
    findByName: async (name) => (await this.peers.list(name)).find((peer) => peer.name === name),
    // 1.0.12 requires auth_data: `{}` is no auth.
    add: (input) => callOperation(this.transport, operations.registerPeer, [], {...input, auth_data: input.auth_data ?? {}}),
    update: (peerId, input) => callOperation(this.transport, operations.updatePeer, [peerId], input),
    remove: async (peerId) => {
      await callOperation(this.transport, operations.deletePeer, [peerId]);
    },
  };

  readonly staticTunnels: StaticTunnelOperations = {
    list: (peerId) => callOperation(this.transport, operations.listStaticTunnels, [peerId]),
    get: (peerId, staticTunnelId) => callOperation(this.transport, operations.getStaticTunnel, [peerId, staticTunnelId]),
    add: (peerId, input) => callOperation(this.transport, operations.createStaticTunnel, [peerId], input),
    remove: async (peerId, staticTunnelId) => {
      await callOperation(this.transport, operations.deleteStaticTunnel, [peerId, staticTunnelId]);
    },
  };

  readonly proxy: ProxyOperations = {
    get: () => callOperation(this.transport, operations.getHttpProxy, []),
    set: (input) => callOperation(this.transport, operations.setHttpProxy, [], input),
    clear: () => callOperation(this.transport, operations.setHttpProxy, [], {proxy_url: null}),
  };

  readonly events: EventOperations = {
    subscribe: (onEvent, onState, options) => {
      const subscription = new EventSubscription(this.transport, onEvent, onState, options);
      this.subscriptions.add(subscription);
      return subscription;
    },
  };

  close(): void {
    for (const subscription of this.subscriptions) subscription.close();
    this.subscriptions.clear();
    if (this.ownsTransport) this.transport.close();
  }
}
