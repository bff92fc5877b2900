/**
 * Servers shared by the tests of one describe block: started in its `before`, closed in its
 * `after`. The returned object is filled in once `before` ran; a test reads it when it starts.
 */
import {after, before} from 'node:test';
import type {NetunnelServer} from '../../source/server/netunnel-server.js';
import {FAST_STATIC_TUNNELS, startServer} from './netunnel.js';
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
