/**
 * Servers shared by the tests of one describe block: started in its `before`, closed in its
 * `after`. The returned object is filled in once `before` ran; a test reads it when it starts.
 */
import {after, before} from 'node:test';
import {ManagementClient} from '../../source/client/management-client.js';
import type {NetunnelClient} from '../../source/client/netunnel-client.js';
import {ServerHandle} from '../../source/console/server-handle.js';
import type {NetunnelServer} from '../../source/server/netunnel-server.js';
import {startEchoingService} from './held-connections.js';
import type {ScriptedService} from './streams.js';
import {FAST_STATIC_TUNNELS, connectClient, startServer} from './netunnel.js';
import {freePort, startEchoServer, type TcpService} from './tcp.js';

export interface ServerAndPeer {
  server: NetunnelServer;
  url: string;
  /** A second server, to add as a peer. */
  peer: {server: NetunnelServer; url: string};
  /** The one port the server may give a static tunnel (it has two: this and the next). */
  staticPort: number;
}

/** A server with fast static tunnels on ports of its own, and a second server to peer with. */
export function useServerAndPeer(): ServerAndPeer {
  const suite = {} as ServerAndPeer;
  before(async () => {
    suite.staticPort = await freePort();
    Object.assign(suite, await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: {min: suite.staticPort, max: suite.staticPort + 1}}));
    suite.peer = await startServer();
  });
  after(async () => {
    await suite.server?.close();
    await suite.peer?.server.close();
  });
  return suite;
}

export interface ServerAndEcho {
  server: NetunnelServer;
  url: string;
  /** A TCP echo service, the tunnels' exit. */
  echo: TcpService;
}

/** A server and an echo service. */
export function useServerAndEcho(): ServerAndEcho {
  const suite = {} as ServerAndEcho;
  before(async () => {
    Object.assign(suite, await startServer());
    suite.echo = await startEchoServer();
  });
  after(async () => {
    await suite.server?.close();
    await suite.echo?.close();
  });
  return suite;
}

export interface TunnelledService {
  server: NetunnelServer;
  url: string;
  /** An echoing service that hands the test each socket it accepted (held-connections.ts). */
  service: ScriptedService;
  /** A client of the server, to open the tunnels. */
  client: NetunnelClient;
  /** The console's handle on the server. */
  handle: ServerHandle;
}

/** The console's handle on the server at `url`, speaking to it as the console does. */
export function consoleHandleOn(url: string): ServerHandle {
  return new ServerHandle({name: 'test', url}, {api: new ManagementClient({serverUrl: url})});
}

/** A server, a client of it, an echoing service for the tunnels' exits, and the console's handle on the server. */
export function useTunnelledService(): TunnelledService {
  const suite = {} as TunnelledService;
  before(async () => {
    Object.assign(suite, await startServer());
    suite.service = await startEchoingService();
    suite.client = await connectClient(suite.url);
    suite.handle = consoleHandleOn(suite.url);
  });
  after(async () => {
    await suite.handle?.close();
    await suite.client?.close();
    await suite.server?.close();
    await suite.service?.close();
  });
  return suite;
}
