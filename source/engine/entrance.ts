/**
 * The entrance of a tunnel: listens, and hands each accepted connection its own pre-fed
 * websocket, announced to the exit by the start marker (PROTOCOL.md 3.3).
 */
import {createServer, type Server, type Socket} from 'node:net';
import {once} from 'node:events';
import {START_MARKER} from '../protocol/routes.js';
import {TunnelConnections} from './tunnel-connections.js';
import type {WebsocketSupply} from './websocket-supply.js';

/**
 * Accept queue length asked of the kernel (capped by net.core.somaxconn). Node's default, 511,
 * makes a burst of connections lose SYNs, and each lost SYN costs its client a 1 s retransmit.
 */
export const LISTEN_BACKLOG = 4096;

export interface SocketAddress {
  address: string;
  port: number;
}

export class Entrance {
  readonly connections = new TunnelConnections('entrance');
  private readonly server: Server;
  private bound: SocketAddress | undefined;

  constructor(private readonly supply: WebsocketSupply) {
    this.server = createServer({allowHalfOpen: true, noDelay: true}, (socket) => this.accept(socket));
    // A failing accept (e.g. out of file descriptors) must not take the process down.
    this.server.on('error', () => {});
  }

  /**
   * Listens on host:port (port 0 or null: a free port) and returns the bound address.
   * Connections accepted before the supply is started wait for it.
   */
  async listen(host: string, port: number | null): Promise<SocketAddress> {
    this.server.listen({host, port: port ?? 0, backlog: LISTEN_BACKLOG});
    await Promise.race([once(this.server, 'listening'), once(this.server, 'error').then(([error]) => Promise.reject(error))]);
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('The entrance has no TCP address');
    this.bound = {address: address.address, port: address.port};
    return this.bound;
  }

  get address(): SocketAddress | undefined {
    return this.bound;
  }

  /** At most `max` connections at once; those above are closed as they arrive, each one reported. */
  limitConnections(max: number, onRefused: () => void): void {
    this.server.maxConnections = max;
    this.server.on('drop', onRefused);
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** Closes the listening port at once; open connections end as `force` says. */
  async stop(force: boolean): Promise<void> {
    this.supply.stop();
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    await Promise.all([closed, this.connections.close(force)]);
  }

  private accept(socket: Socket): void {
    // Errors before the pipe exists are answered by the close that follows them.
    socket.on('error', () => {});
    this.supply.take().then(
      (websocket) => {
        if (socket.destroyed) {
          // The connection left while waiting; the websocket never saw a marker, so it is still clean.
          this.supply.offer(websocket);
          return;
        }
        websocket.send(START_MARKER);
        this.connections.pipe(socket, websocket);
      },
      () => socket.destroy(),
    );
  }
}
