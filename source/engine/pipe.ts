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
 */
import type {Socket} from 'node:net';
import WebSocket from 'ws';

const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

export interface PipeCounters {
  /** Called with the byte count of every chunk read from the socket and sent on the websocket. */
  socketToWebsocket(bytes: number): void;
  /** Called with the byte count of every binary frame written to the socket. */
  websocketToSocket(bytes: number): void;
}

export interface PipedConnection {
  /** Resolves once both the socket and the websocket are closed. */
  readonly done: Promise<void>;
  readonly startedAt: number;
  /** Cuts both halves at once. */
  destroy(): void;
}

function toBuffer(data: WebSocket.RawData): Buffer {
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
  counters: PipeCounters,
  pending: Buffer[] = [],
): PipedConnection {
  const startedAt = Date.now();
  let unsentBytes = 0;
  let socketPausedForWebsocket = false;
  let websocketPausedForSocket = false;
  /** Set once this side starts the close handshake: from then on the websocket is never paused. */
  let websocketClosing = false;
  let websocketClosed = websocket.readyState === WebSocket.CLOSED;
  let socketClosed = socket.destroyed;

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const settle = () => {
    if (websocketClosed && socketClosed) resolveDone();
  };

  const onSent = (bytes: number) => (error?: Error) => {
    unsentBytes -= bytes;
    if (error) return;
    if (socketPausedForWebsocket && unsentBytes <= LOW_WATER) {
      socketPausedForWebsocket = false;
      socket.resume();
    }
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
    if (!socket.destroyed) socket.end(() => socket.destroy());
  };

  for (const chunk of pending) onBinary(chunk);

  socket.on('data', (chunk: Buffer) => {
    if (websocket.readyState !== WebSocket.OPEN) return;
    counters.socketToWebsocket(chunk.length);
    unsentBytes += chunk.length;
    websocket.send(chunk, {binary: true}, onSent(chunk.length));
    if (unsentBytes > HIGH_WATER && !socketPausedForWebsocket) {
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
    if (websocket.readyState === WebSocket.OPEN) closeWebsocket();
    else if (websocketClosed) socket.end();
  });
  socket.on('error', () => {
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
    socket.destroy();
  });
  websocket.on('close', () => {
    websocketClosed = true;
    if (websocketPausedForSocket) websocket.resume();
    if (!socket.destroyed) {
      // Flush what was written, then let go of the socket entirely.
      socket.end(() => socket.destroy());
    }
    settle();
  });

  // Websockets may come paused (see ServerTransport.openWebsocket) until a reader is attached.
  if (!websocketPausedForSocket) websocket.resume();

  return {
    done,
    startedAt,
    destroy() {
      socket.destroy();
      websocket.terminate();
    },
  };
}
