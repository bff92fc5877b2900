/**
 * The fixture of the server-state tests: a fresh temporary directory (for config files) per
 * test, servers with fast static tunnel timing on a port range of the test file's own, and
 * everything closed after each test.
 */
import {afterEach, beforeEach} from 'node:test';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ManagementClient} from '../../source/client/management-client.js';
import type {NetunnelServer, NetunnelServerOptions} from '../../source/server/netunnel-server.js';
import type {PortRange} from '../../source/server/peers/local-ports.js';
import {FAST_STATIC_TUNNELS, startServer} from './netunnel.js';

export interface StartedStateServer {
  server: NetunnelServer;
  url: string;
  port: number;
  api: ManagementClient;
}

export interface StateFixture {
  /** This test's temporary directory. */
  readonly dir: string;
  /** `netunnel.conf` in it (not created). */
  readonly configPath: string;
  /** Run after the test, last registered first. */
  readonly cleanups: Array<() => Promise<unknown> | unknown>;
  server(options?: NetunnelServerOptions): Promise<StartedStateServer>;
}

/** Registers the per-test hooks; `ports` keeps each file's static tunnels apart from the others'. */
export function useStateFixture(prefix: string, ports: PortRange): StateFixture {
  let dir = '';
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await rm(dir, {recursive: true, force: true});
  });
  return {
    get dir() {
      return dir;
    },
    get configPath() {
      return join(dir, 'netunnel.conf');
    },
    cleanups,
    async server(options = {}) {
      const started = await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: ports, ...options});
      const api = new ManagementClient({serverUrl: started.url});
      cleanups.push(() => started.server.close(), () => api.close());
      return {...started, port: started.server.address!.port, api};
    },
  };
}
