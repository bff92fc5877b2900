/**
 * The live ConsoleApi over the client library: ManagementClient for our management API and
 * the event stream, ServerApi for the 1.0.12 REST routes (peers, static tunnels, proxy,
 * factory reset), both on one transport (one agent, the same auth headers and proxy).
 */
import {ServerRefusedError} from '../client/client-errors.js';
import {ManagementClient} from '../client/management-client.js';
import {ServerApi} from '../client/server-api.js';
import type {TransportOptions} from '../client/server-transport.js';
import {paths} from '../protocol/routes.js';
import type {ConsoleApi} from './api.js';

export function connectApi(options: TransportOptions): ConsoleApi {
  const management = new ManagementClient(options);
  const rest = new ServerApi(management.transport);
  return {
    serverUrl: management.serverUrl,
    getServerInfo: () => management.getServerInfo(),
    getVersion: () => management.getVersion(),
    listChannels: () => management.listChannels(),
    getChannel: (channelId) => management.getChannel(channelId),
    disconnectChannel: (channelId) => management.disconnectChannel(channelId),
    listTunnels: () => management.listTunnels(),
    deleteTunnel: async (channelId, tunnelId, force) => {
      try {
        // Ours tells the owning client too; a 1.0.12 server (404) only has the DELETE route.
        await management.closeTunnel(channelId, tunnelId, {force});
      } catch (error) {
        if (!(error instanceof ServerRefusedError && error.status === 404)) throw error;
        await management.transport.request('DELETE', paths.tunnel(channelId, tunnelId), {force});
      }
    },
    subscribe: (onEvent, onState) => management.subscribe(onEvent, onState),
    listPeers: (name) => rest.listPeers(name),
    getPeer: (peerId) => rest.getPeer(peerId),
    registerPeer: (peer) => rest.registerPeer(peer),
    updatePeer: (peerId, changes) => rest.updatePeer(peerId, changes),
    deletePeer: (peerId) => rest.deletePeer(peerId),
    listStaticTunnels: (peerId) => rest.listStaticTunnels(peerId),
    createStaticTunnel: (peerId, tunnel) => rest.createStaticTunnel(peerId, tunnel),
    deleteStaticTunnel: (peerId, staticTunnelId) => rest.deleteStaticTunnel(peerId, staticTunnelId),
    getHttpProxy: () => rest.getHttpProxy(),
    setHttpProxy: (proxy) => rest.setHttpProxy(proxy),
    clearHttpProxy: () => rest.clearHttpProxy(),
    factoryReset: (reset) => rest.factoryReset(reset),
    // The transport is the management client's: closing it once closes both.
    close: () => management.close(),
  };
}
