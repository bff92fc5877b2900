/**
 * The byte pipe between one TCP socket and one websocket (PROTOCOL.md 3.3 "Data" and "End").
 *
 * Backpressure both ways, so a slow reader never makes either process buffer without bound:
 * - socket -> websocket: bytes handed to ws.send but not yet written out are tracked through
 *   the send callbacks; above HIGH_WATER the socket is paused, below LOW_WATER resumed.
 * - websocket -> socket: when socket.write reports a full buffer the websocket is paused
 *   until the socket drains.
 *
 * Teardown: EOF on the socket closes the websocket (1000) but keeps writing what is still in
 * flight from the other side until that websocket is closed; a closed websocket ends the
 * socket after its pending writes; errors destroy both. An empty binary frame is 1.0.12's
 * EOF (it forwards the b'' its read returns at EOF, and a 1.0.12 server entrance then never
 * closes the websocket): it ends the socket after its pending writes and closes the websocket.
 *
 * Per chunk the pipe allocates nothing of its own: one send callback serves every chunk (it
 * reads ws's bufferedAmount instead of counting bytes per send), and only sends made above
 * LOW_WATER carry it, as only those can be the ones that bring the backlog back under it.
 */
import type {Socket} from 'node:net';
import WebSocket from 'ws';
import {sendChunk} from './chunk-sender.js';

export const HIGH_WATER = 1024 * 1024;
export const LOW_WATER = 256 * 1024;

/** ws's send options for data, shared by every send. */
export const BINARY = {binary: true} as const;

export interface PipeCounters {
  /** Called with the byte count of every chunk read from the socket and sent on the websocket. */
  socketToWebsocket(bytes: number): void;
  /** Called with the byte count of every binary frame written to the socket. */
  websocketToSocket(bytes: number): void;
}

/** The counters plus the moments of a connection's life (once each, never per byte). */
export interface PipeObserver extends PipeCounters {
  /** The socket reached EOF: its application will send no more. */
  socketEnded?(): void;
  /** The other end will send no more: the socket's write side is being ended. */
  websocketEnded?(): void;
  /** Both halves are closed; `aborted` unless the connection ended cleanly. */
  closed?(aborted: boolean): void;
}

export interface PipedConnection {
  /** Resolves once both the socket and the websocket are closed. */
  readonly done: Promise<void>;
  readonly startedAt: number;
  /** Cuts both halves at once. */
  destroy(): void;
}

export function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * Starts piping. `pending` holds binary frames that arrived on the websocket before the pipe
 * was set up (the exit side receives them while it connects); they are written first.
 */
export function pipeSocketToWebsocket(
  socket: Socket,
  websocket: WebSocket,
  counters: PipeObserver,
  pending: Buffer[] = [],
): PipedConnection {
  const startedAt = Date.now();
  let socketPausedForWebsocket = false;
  let websocketPausedForSocket = false;
  /** Set once this side starts the close handshake: from then on the websocket is never paused. */
  let websocketClosing = false;
  let websocketClosed = websocket.readyState === WebSocket.CLOSED;
  let socketClosed = socket.destroyed;
  /** A reset or error on either side, or destroy(): not a clean end. */
  let aborted = false;

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const settle = () => {
    if (!websocketClosed || !socketClosed) return;
    counters.closed?.(aborted);
    resolveDone();
  };

  const onSent = (error?: Error) => {
    if (error) return;
    if (socketPausedForWebsocket && websocket.bufferedAmount <= LOW_WATER) {
      socketPausedForWebsocket = false;
      socket.resume();
    }
  };

  /** Ends the socket's write side once, after its pending writes, then lets go of it. */
  const endSocket = () => {
    if (socket.destroyed || socket.writableEnded) return;
    counters.websocketEnded?.();
    socket.end(() => socket.destroy());
  };

  /**
   * Starts the close handshake. A paused websocket would never read the peer's answering close
   * frame, leaving both sides (and the far end's connection) hanging until ws's 30 s timeout,
   * so it reads again; what still arrives is bounded by what the peer sent before our close.
   */
  const closeWebsocket = () => {
    websocketClosing = true;
    if (websocketPausedForSocket) {
      websocketPausedForSocket = false;
      websocket.resume();
    }
    websocket.close(1000);
  };

  const writeToSocket = (chunk: Buffer) => {
    counters.websocketToSocket(chunk.length);
    if (!socket.write(chunk) && !websocketPausedForSocket && !websocketClosed && !websocketClosing) {
      websocketPausedForSocket = true;
      websocket.pause();
    }
  };

  let peerEnded = false;
  const onBinary = (chunk: Buffer) => {
    if (peerEnded) return;
    if (chunk.length > 0) {
      writeToSocket(chunk);
      return;
    }
    peerEnded = true;
    if (websocket.readyState === WebSocket.OPEN) closeWebsocket();
    endSocket();
  };

  for (const chunk of pending) onBinary(chunk);

  socket.on('data', (chunk: Buffer) => {
    if (websocket.readyState !== WebSocket.OPEN) return;
    counters.socketToWebsocket(chunk.length);
    const backlog = websocket.bufferedAmount + chunk.length;
    sendChunk(websocket, chunk, backlog > LOW_WATER ? onSent : undefined);
    if (backlog > HIGH_WATER && !socketPausedForWebsocket) {
      socketPausedForWebsocket = true;
      socket.pause();
    }
  });
  socket.on('drain', () => {
    if (websocketPausedForSocket) {
      websocketPausedForSocket = false;
      websocket.resume();
    }
  });
  // EOF from the application: the protocol has no half-close, so the websocket is closed;
  // bytes still travelling back are written until the other side's close arrives.
  socket.on('end', () => {
    counters.socketEnded?.();
    if (websocket.readyState === WebSocket.OPEN) closeWebsocket();
    else if (websocketClosed) endSocket();
  });
  socket.on('error', () => {
    aborted = true;
    websocket.terminate();
  });
  socket.on('close', () => {
    socketClosed = true;
    if (!websocketClosed && websocket.readyState === WebSocket.OPEN) closeWebsocket();
    settle();
  });

  websocket.on('message', (data, isBinary) => {
    // Only binary frames carry bytes; 1.0.12 ignores anything else after the start marker.
    if (!isBinary || socket.destroyed) return;
    onBinary(toBuffer(data));
  });
  websocket.on('error', () => {
    aborted = true;
    socket.destroy();
  });
  websocket.on('close', (code: number) => {
    websocketClosed = true;
    if (code !== 1000 && code !== 1005 && !peerEnded) aborted = true;
    if (websocketPausedForSocket) websocket.resume();
    // Flush what was written, then let go of the socket entirely.
    endSocket();
    settle();
  });

  // Websockets may come paused (see ServerTransport.openWebsocket) until a reader is attached.
  if (!websocketPausedForSocket) websocket.resume();

  return {
    done,
    startedAt,
    destroy() {
      aborted = true;
      socket.destroy();
      websocket.terminate();
    },
  };
}
