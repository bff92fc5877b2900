/** Starting our server and client for tests, always on free ports, always closed. */
import {NetunnelServer, type NetunnelServerOptions} from '../../source/server/netunnel-server.js';
import {NetunnelClient, type NetunnelClientOptions} from '../../source/client/netunnel-client.js';
import type {StaticTunnelStatus} from '../../source/protocol/server-objects.js';
import type {StaticTunnel, StaticTunnelState} from '../../source/server/peers/static-tunnel.js';

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

/** Fast retries and checks, so that static tunnel tests take milliseconds, not seconds. */
export const FAST_STATIC_TUNNELS = {
  retryInitialMs: 20,
  retryMaxMs: 200,
  healthCheckIntervalMs: 200,
  heartbeatMs: 2_000,
  requestTimeoutMs: 3_000,
} as const;

/** Resolves when the static tunnel reaches `status` (at once if it is there). */
export function waitForStatus(tunnel: StaticTunnel, status: StaticTunnelStatus, timeoutMs = 10_000): Promise<StaticTunnelState> {
  if (tunnel.state.status === status) return Promise.resolve(tunnel.state);
  return new Promise((resolve, reject) => {
    const onStatus = (state: StaticTunnelState) => {
      if (state.status !== status) return;
      clearTimeout(timer);
      tunnel.off('status', onStatus);
      resolve(state);
    };
    const timer = setTimeout(() => {
      tunnel.off('status', onStatus);
      const {status: now, lastError} = tunnel.state;
      reject(new Error(`Static tunnel ${tunnel.id} did not become ${status} within ${timeoutMs} ms (it is ${now}: ${lastError ?? 'no error'})`));
    }, timeoutMs);
    tunnel.on('status', onStatus);
  });
}
