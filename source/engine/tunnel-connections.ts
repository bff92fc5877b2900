/**
 * The live connections of one tunnel side, with the tunnel's traffic counters. Stopping a
 * tunnel either waits for its connections to end (graceful) or cuts them (force).
 * Each connection has a record (connection-record.ts); a caller lists the open ones and hears
 * of each one opening and closing ('opened', 'closed'), never of bytes.
 */
import {EventEmitter} from 'node:events';
import type {Socket} from 'node:net';
import type WebSocket from 'ws';
import type {SocketAddress} from '../protocol/socket-address.js';
import {ConnectionRecord, socketPeer, type TunnelEnd} from './connection-record.js';
import {pipeSocketToWebsocket} from './pipe.js';
import {pipeStream, type StreamPipeOptions} from './stream-pipe.js';
import {TunnelTraffic} from './traffic.js';

export type {TunnelEnd};

interface TunnelConnectionsEvents {
  opened: [ConnectionRecord];
  closed: [ConnectionRecord];
}

export class TunnelConnections extends EventEmitter<TunnelConnectionsEvents> {
  readonly traffic = new TunnelTraffic();
  private readonly open = new Set<ConnectionRecord>();
  private nextId = 1;

  constructor(readonly end: TunnelEnd) {
    super();
  }

  get size(): number {
    return this.open.size;
  }

  /** The open connections, oldest first. */
  list(): ConnectionRecord[] {
    return [...this.open];
  }

  /**
   * A classic connection (PROTOCOL.md 3.3): one websocket for it alone, closed at its end.
   * `pending`: frames that came before the pipe; `connectMs`: how long it took to connect here.
   */
  pipe(socket: Socket, websocket: WebSocket, options: {pending?: Buffer[]; connectMs?: number} = {}): ConnectionRecord {
    const record = this.opened(this.end === 'entrance' ? socketPeer(socket) : undefined);
    if (options.connectMs !== undefined) record.connected(options.connectMs);
    this.track(record, pipeSocketToWebsocket(socket, websocket, record, options.pending));
    return record;
  }

  /** A connection of the stream extension on a websocket that may carry others after it. */
  pipeStream(
    socket: Socket,
    websocket: WebSocket,
    options: StreamPipeOptions & {source?: SocketAddress | undefined; connectMs?: number | undefined},
  ): ConnectionRecord {
    const record = this.opened(options.source);
    if (options.connectMs !== undefined) record.connected(options.connectMs);
    this.track(record, pipeStream(socket, websocket, record, options));
    return record;
  }

  /** Ends every connection: at once with `force`, else when each one ends by itself. */
  async close(force: boolean): Promise<void> {
    const connections = [...this.open];
    if (force) for (const connection of connections) connection.destroy();
    await Promise.all(connections.map((connection) => connection.done));
  }

  private opened(source: SocketAddress | undefined): ConnectionRecord {
    const record = new ConnectionRecord(this.nextId++, this.end, source, this.traffic);
    this.open.add(record);
    this.traffic.connectionOpened();
    return record;
  }

  private track(record: ConnectionRecord, piped: {done: Promise<void>; destroy(): void}): void {
    record.carriedBy(piped);
    this.emit('opened', record);
    void piped.done.then(() => {
      this.open.delete(record);
      this.traffic.connectionClosed(Date.now() - record.openedAt);
      this.emit('closed', record);
    });
  }
}
