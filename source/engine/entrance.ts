/**
 * The entrance of a tunnel: listens, and hands each accepted connection a pre-fed websocket.
 * - With a WebsocketSupply (classic, PROTOCOL.md 3.3): a websocket of its own, announced to the
 *   exit by the start marker, closed at the end.
 * - With a WebsocketPool (the stream extension, docs/stream-extension.md): a websocket from the
 *   pool, announced by a start frame carrying the application's address; it goes back to the
 *   pool once the connection ended cleanly both ways.
 */
import {createServer, type Server, type Socket} from 'node:net';
import {once} from 'node:events';
import {performance} from 'node:perf_hooks';
import type WebSocket from 'ws';
import {START_MARKER} from '../protocol/routes.js';
import type {SocketAddress} from '../protocol/socket-address.js';
import {socketPeer} from './connection-record.js';
import {TunnelConnections} from './tunnel-connections.js';
import {WebsocketPool} from './websocket-pool.js';
import type {WebsocketSupply} from './websocket-supply.js';

/**
 * Accept queue length asked of the kernel (capped by net.core.somaxconn). Node's default, 511,
 * makes a burst of connections lose SYNs, and each lost SYN costs its client a 1 s retransmit.
 */
export const LISTEN_BACKLOG = 4096;


function ignoreError(): void {}

export class Entrance {
  readonly connections = new TunnelConnections('entrance');
  private readonly server: Server;
  private bound: SocketAddress | undefined;
  private readonly release: (websocket: WebSocket) => void;

  constructor(private readonly supply: WebsocketSupply | WebsocketPool) {
    const pool = supply instanceof WebsocketPool ? supply : undefined;
    this.release = (websocket) => pool?.giveBack(websocket);
    this.server = createServer({allowHalfOpen: true, noDelay: true}, pool ? (socket) => this.acceptStream(socket, pool) : (socket) => this.accept(socket));
    // A failing accept (e.g. out of file descriptors) must not take the process down.
    this.server.on('error', () => {});
  }

  /**
   * Listens on host:port (port 0 or null: a free port) and returns the bound address.
   * Connections accepted before the supply is started wait for it.
   */
  async listen(host: string, port: number | null): Promise<SocketAddress> {
    this.server.listen({host, port: port ?? 0, backlog: LISTEN_BACKLOG});
    // once() rejects with an 'error' (the port taken) instead of waiting on.
    await once(this.server, 'listening');
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('The entrance has no TCP address');
    this.bound = {address: address.address, port: address.port};
    return this.bound;
  }

  get address(): SocketAddress | undefined {
    return this.bound;
  }

  /** At most `max` connections at once; those above are closed as they arrive, each one reported (with its address). */
  limitConnections(max: number, onRefused: (remoteAddress: string | undefined) => void): void {
    this.server.maxConnections = max;
    this.server.on('drop', (data?: {remoteAddress?: string}) => onRefused(data?.remoteAddress));
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
    const acceptedAt = performance.now();
    // Errors before the pipe exists are answered by the close that follows them.
    socket.on('error', ignoreError);
    this.supply.take().then(
      (websocket) => {
        if (socket.destroyed) {
          // The connection left while waiting; the websocket never saw a marker, so it is still clean.
          this.supply.offer(websocket);
          return;
        }
        websocket.send(START_MARKER);
        this.connections.pipe(socket, websocket, {connectMs: performance.now() - acceptedAt});
      },
      () => socket.destroy(),
    );
  }

  private acceptStream(socket: Socket, pool: WebsocketPool): void {
    const acceptedAt = performance.now();
    socket.on('error', ignoreError);
    const ready = pool.takeIdle();
    if (ready) {
      this.startStream(socket, ready, acceptedAt);
      return;
    }
    pool.take().then(
      (websocket) => {
        // The connection left while waiting: nothing was sent on the websocket, it is still clean.
        if (socket.destroyed) this.release(websocket);
        else this.startStream(socket, websocket, acceptedAt);
      },
      () => {
        if (!socket.destroyed) socket.resetAndDestroy();
      },
    );
  }

  /** The start frame goes out as the pipe starts: what the connection waited for is measured to here. */
  private startStream(socket: Socket, websocket: WebSocket, acceptedAt: number): void {
    const source = socketPeer(socket);
    const connectMs = performance.now() - acceptedAt;
    this.connections.pipeStream(socket, websocket, {start: source ? {source} : {}, source, release: this.release, connectMs});
  }
}
