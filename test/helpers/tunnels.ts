/** A server, a connected client and one tunnel between them, cleaned up after the test. */
import type {TestContext} from 'node:test';
import type {NetunnelClient, NetunnelClientOptions} from '../../source/client/netunnel-client.js';
import type {ClientTunnel} from '../../source/client/client-tunnel.js';
import type {NetunnelServer, NetunnelServerOptions} from '../../source/server/netunnel-server.js';
import type {ServerTunnel} from '../../source/server/channels/server-tunnel.js';
import {deferrer, type Defer} from './cleanup.js';
import {connectClient, startServer} from './netunnel.js';

export type Direction = 'forward' | 'reverse';
export const DIRECTIONS: Direction[] = ['forward', 'reverse'];

export interface TunnelSetup {
  server: NetunnelServer;
  url: string;
  client: NetunnelClient;
  tunnel: ClientTunnel;
  /** The server's half of the tunnel. */
  serverTunnel: ServerTunnel;
  /** Where a test application connects to enter the tunnel. */
  entrancePort: number;
  defer: Defer;
}

export async function startPair(
  t: TestContext,
  options: {server?: NetunnelServerOptions; client?: Partial<NetunnelClientOptions>} = {},
): Promise<{server: NetunnelServer; url: string; client: NetunnelClient; defer: Defer}> {
  const defer = deferrer(t);
  const {server, url} = await startServer(options.server);
  defer(() => server.close());
  const client = await connectClient(url, options.client);
  defer(() => client.close());
  return {server, url, client, defer};
}

/** A tunnel in `direction` whose exit is 127.0.0.1:exitPort. */
export async function startTunnel(
  t: TestContext,
  direction: Direction,
  exitPort: number,
  options: {server?: NetunnelServerOptions; client?: Partial<NetunnelClientOptions>} = {},
): Promise<TunnelSetup> {
  const {server, url, client, defer} = await startPair(t, options);
  const tunnel =
    direction === 'forward' ? await client.openTunnelToServer({exitPort}) : await client.openTunnelToClient({exitPort});
  const serverTunnel = server.channels.get(client.channelId).getTunnel(tunnel.id);
  return {server, url, client, tunnel, serverTunnel, entrancePort: tunnel.entrance.port, defer};
}
