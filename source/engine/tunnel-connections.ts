/**
 * The live connections of one tunnel side, with the tunnel's traffic counters. Stopping a
 * tunnel either waits for its connections to end (graceful) or cuts them (force).
 */
import type {Socket} from 'node:net';
import type WebSocket from 'ws';
import {pipeSocketToWebsocket, type PipeCounters, type PipedConnection} from './pipe.js';
import {TunnelTraffic} from './traffic.js';

/** Which end of the tunnel this process plays for these connections. */
export type TunnelEnd = 'entrance' | 'exit';

export class TunnelConnections {
  readonly traffic = new TunnelTraffic();
  private readonly open = new Set<PipedConnection>();
  private readonly counters: PipeCounters;

  constructor(end: TunnelEnd) {
    const traffic = this.traffic;
    // At the entrance, what the socket reads travels toward the exit; at the exit, the reverse.
    this.counters =
      end === 'entrance'
        ? {
            socketToWebsocket: (bytes) => void (traffic.bytesToExit += bytes),
            websocketToSocket: (bytes) => void (traffic.bytesToEntrance += bytes),
          }
        : {
            socketToWebsocket: (bytes) => void (traffic.bytesToEntrance += bytes),
            websocketToSocket: (bytes) => void (traffic.bytesToExit += bytes),
          };
  }

  get size(): number {
    return this.open.size;
  }

  pipe(socket: Socket, websocket: WebSocket, pending?: Buffer[]): PipedConnection {
    const connection = pipeSocketToWebsocket(socket, websocket, this.counters, pending);
    this.open.add(connection);
    this.traffic.connectionOpened();
    void connection.done.then(() => {
      this.open.delete(connection);
      this.traffic.connectionClosed(Date.now() - connection.startedAt);
    });
    return connection;
  }

  /** Ends every connection: at once with `force`, else when each one ends by itself. */
  async close(force: boolean): Promise<void> {
    const connections = [...this.open];
    if (force) for (const connection of connections) connection.destroy();
    await Promise.all(connections.map((connection) => connection.done));
  }
}
