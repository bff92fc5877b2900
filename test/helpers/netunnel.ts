/** Starting our server and client for tests, always on free ports, always closed. */
import {NetunnelServer, type NetunnelServerOptions} from '../../source/server/netunnel-server.js';
import {NetunnelClient, type NetunnelClientOptions} from '../../source/client/netunnel-client.js';

export async function startServer(options: NetunnelServerOptions = {}): Promise<{server: NetunnelServer; url: string}> {
  const server = new NetunnelServer({port: 0, ...options});
  const address = await server.start();
  return {server, url: `http://127.0.0.1:${address.port}`};
}

export async function connectClient(url: string, options: Partial<NetunnelClientOptions> = {}): Promise<NetunnelClient> {
  const client = new NetunnelClient({serverUrl: url, ...options});
  await client.connect();
  return client;
}

/** Polls a condition on events-free state (only where nothing emits an event to await). */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
