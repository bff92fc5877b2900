/**
 * The live ConsoleApi over the client library: ManagementClient for our management API and
 * the event stream, and the 1.0.12 REST routes through the same transport (one agent, the
 * same auth headers and proxy).
 */
import {ManagementClient} from '../client/management-client.js';
import type {TransportOptions} from '../client/server-transport.js';
import {paths} from '../protocol/routes.js';
import type {ConsoleApi, HttpProxyRecord, PeerRecord, StaticTunnelRecord} from './api.js';

export function connectApi(options: TransportOptions): ConsoleApi {
  const management = new ManagementClient(options);
  const transport = management.transport;
  const request = async <T>(method: string, path: string, body?: unknown) => (await transport.request(method, path, body)) as T;
  return {
    serverUrl: management.serverUrl,
    getServerInfo: () => management.getServerInfo(),
    getVersion: () => management.getVersion(),
    listChannels: () => management.listChannels(),
    getChannel: (channelId) => management.getChannel(channelId),
    disconnectChannel: (channelId) => management.disconnectChannel(channelId),
    listTunnels: () => management.listTunnels(),
    deleteTunnel: async (channelId, tunnelId, force) => {
      await request('DELETE', paths.tunnel(channelId, tunnelId), {force});
    },
    subscribe: (onEvent, onState) => management.subscribe(onEvent, onState),
    listPeers: (name) => request<PeerRecord[]>('GET', paths.peers(name)),
    getPeer: (peerId) => request<PeerRecord>('GET', paths.peer(peerId)),
    registerPeer: (peer) =>
      request<PeerRecord>('POST', paths.peers(), {name: peer.name, target_netunnel_url: peer.targetNetunnelUrl, auth_data: peer.authData ?? {}}),
    updatePeer: (peerId, changes) => {
      const body: Record<string, unknown> = {};
      if (changes.name !== undefined) body.name = changes.name;
      if (changes.targetNetunnelUrl !== undefined) body.target_netunnel_url = changes.targetNetunnelUrl;
      if (changes.authData !== undefined) body.auth_data = changes.authData;
      return request<PeerRecord>('POST', paths.peer(peerId), body);
    },
    deletePeer: async (peerId) => {
      await request('DELETE', paths.peer(peerId));
    },
    listStaticTunnels: (peerId) => request<StaticTunnelRecord[]>('GET', paths.staticTunnels(peerId)),
    createStaticTunnel: (peerId, tunnel) => {
      const body: Record<string, unknown> = {tunnel_remote_port: tunnel.remotePort};
      if (tunnel.remoteAddress !== undefined) body.tunnel_remote_address = tunnel.remoteAddress;
      if (tunnel.localAddress !== undefined) body.tunnel_local_address = tunnel.localAddress;
      return request<StaticTunnelRecord>('POST', paths.staticTunnels(peerId), body);
    },
    deleteStaticTunnel: async (peerId, staticTunnelId) => {
      await request('DELETE', paths.staticTunnel(peerId, staticTunnelId));
    },
    getHttpProxy: () => request<HttpProxyRecord>('GET', paths.httpProxy()),
    setHttpProxy: (proxy) => {
      const body: Record<string, unknown> = {proxy_url: proxy.proxyUrl};
      if (proxy.username !== undefined) body.username = proxy.username;
      if (proxy.password !== undefined) body.password = proxy.password;
      if (proxy.testUrl !== undefined) body.test_url = proxy.testUrl;
      if (proxy.checkProxy !== undefined) body.check_proxy = proxy.checkProxy;
      return request<HttpProxyRecord>('POST', paths.httpProxy(), body);
    },
    clearHttpProxy: () => request<HttpProxyRecord>('POST', paths.httpProxy(), {proxy_url: null}),
    factoryReset: async (reset) => {
      await request('POST', paths.factoryReset(), {disconnect_clients: reset.disconnectClients ?? false});
    },
    close: () => management.close(),
  };
}
