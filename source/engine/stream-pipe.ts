/**
 * One connection of the stream extension (docs/stream-extension.md) between a TCP socket and a
 * websocket that may carry other connections before and after it.
 *
 * - Each direction ends on its own: EOF read from the socket is sent as the text frame `end`;
 *   an `end` received shuts the socket's write side (socket.end()) after what it still has to
 *   write, and the other direction keeps flowing.
 * - Once this side has sent its `end` and received the other's, nothing of the connection is
 *   left on the websocket (it is ordered): the pipe lets go of it (`release`) while the socket
 *   finishes writing on its own.
 * - A reset or error of the socket, a close or loss of the websocket before both ends crossed,
 *   or a frame of the wrong kind aborts both directions: the websocket is closed (never
 *   reused) and the socket reset, so no application takes a cut for a clean end.
 * Backpressure both ways as in the classic pipe (pipe.ts), with the same marks. The owner of
 * the websocket keeps an 'error' listener on it for its whole life ('close' follows errors).
 */
import type {Socket} from 'node:net';
import WebSocket from 'ws';
import {CloseCode, END_BYTES, closeReason, encodeStartFrame, isEndFrame, type StartHeader} from '../protocol/stream-frames.js';
import {sendChunk, sendSmallText} from './chunk-sender.js';
import {HIGH_WATER, LOW_WATER, toBuffer, type PipeObserver, type PipedConnection} from './pipe.js';

export interface StreamPipeOptions {
  /** Entrance: the header of the start frame to send; the frame also carries what the socket has already buffered. */
  start?: StartHeader | undefined;
  /** Exit: bytes that rode with the start frame, written first. */
  firstData?: Buffer | undefined;
  /** Both directions ended cleanly: the websocket may carry the next connection. */
  release(websocket: WebSocket): void;
}

export function pipeStream(socket: Socket, websocket: WebSocket, observer: PipeObserver, options: StreamPipeOptions): PipedConnection {
  const startedAt = Date.now();
  let sentEnd = false;
  let receivedEnd = false;
  let released = false;
  let aborted = false;
  /** The socket failed after the websocket was released: its last bytes may not have gone out. */
  let failedLate = false;
  let socketClosed = socket.destroyed;
  let websocketGone = false;
  let socketPausedForWebsocket = false;
  let websocketPausedForSocket = false;
  let connected = !socket.connecting;
  if (!connected) socket.once('connect', () => (connected = true));

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let settled = false;
  const settle = () => {
    if (settled || !socketClosed || !websocketGone) return;
    settled = true;
    observer.closed?.(aborted || failedLate);
    resolveDone();
  };

  const resetSocket = () => {
    if (socket.destroyed) return;
    // A socket still connecting has nothing to reset (and resetAndDestroy would wait for the
    // connect). One whose shutdown is under way cannot be reset (libuv's uv_tcp_close_reset
    // answers EINVAL) and Node would then never close it: it is closed, its FIN on the way.
    if (socket.connecting || (socket.writableEnded && !socket.writableFinished)) socket.destroy();
    else socket.resetAndDestroy();
  };

  /**
   * Aborts both directions. The websocket is closed (`code` tells the far end why) or cut
   * (`code` undefined); it is never reused, so the pipe is done with it at once.
   */
  const abort = (code: number | undefined, reason = '') => {
    if (aborted || released) return;
    aborted = true;
    detach();
    if (websocket.readyState === WebSocket.OPEN && code !== undefined) {
      // Reading again, or the answering close frame would wait behind our backpressure.
      if (websocketPausedForSocket) websocket.resume();
      websocket.close(code, closeReason(reason));
    } else {
      websocket.terminate();
    }
    websocketGone = true;
    resetSocket();
    settle();
  };

  const release = () => {
    if (!sentEnd || !receivedEnd || released || aborted) return;
    released = true;
    detach();
    if (websocketPausedForSocket) {
      websocketPausedForSocket = false;
      websocket.resume();
    }
    websocketGone = true;
    options.release(websocket);
    settle();
  };

  const onSent = (error?: Error) => {
    if (error) return;
    if (socketPausedForWebsocket && websocket.bufferedAmount <= LOW_WATER) {
      socketPausedForWebsocket = false;
      socket.resume();
    }
  };

  const sendData = (chunk: Buffer) => {
    observer.socketToWebsocket(chunk.length);
    const backlog = websocket.bufferedAmount + chunk.length;
    sendChunk(websocket, chunk, backlog > LOW_WATER ? onSent : undefined);
    if (backlog > HIGH_WATER && !socketPausedForWebsocket) {
      socketPausedForWebsocket = true;
      socket.pause();
    }
  };

  const writeToSocket = (chunk: Buffer) => {
    observer.websocketToSocket(chunk.length);
    if (!socket.write(chunk) && !websocketPausedForSocket) {
      websocketPausedForSocket = true;
      websocket.pause();
    }
  };

  const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
    const frame = toBuffer(data);
    if (isBinary) {
      if (frame.length === 0) return;
      if (receivedEnd) abort(CloseCode.violation, 'data after end');
      else writeToSocket(frame);
      return;
    }
    if (receivedEnd || !isEndFrame(frame)) {
      abort(CloseCode.violation, receivedEnd ? 'a frame after end' : 'unexpected text frame');
      return;
    }
    receivedEnd = true;
    observer.websocketEnded?.();
    socket.end();
    release();
  };

  const onWebsocketClose = () => {
    // Before both ends crossed, whatever the code: the far end is gone mid-connection.
    websocketGone = true;
    abort(undefined);
  };

  const detach = () => {
    websocket.off('message', onMessage);
    websocket.off('close', onWebsocketClose);
  };

  if (options.start) {
    // Bytes that came while the connection waited for its websocket ride with the start. Read
    // before the 'data' listener exists: read() hands its chunk to 'data' listeners too.
    const first = socket.read() as Buffer | null;
    if (first) observer.socketToWebsocket(first.length);
    sendChunk(websocket, encodeStartFrame(options.start, first));
  }
  socket.on('data', (chunk: Buffer) => {
    if (websocket.readyState === WebSocket.OPEN && !aborted) sendData(chunk);
  });
  socket.on('drain', () => {
    if (websocketPausedForSocket && !released && !aborted) {
      websocketPausedForSocket = false;
      websocket.resume();
    }
  });
  socket.on('end', () => {
    if (aborted || websocket.readyState !== WebSocket.OPEN) return;
    observer.socketEnded?.();
    sendSmallText(websocket, END_BYTES);
    sentEnd = true;
    release();
  });
  socket.on('error', (error: NodeJS.ErrnoException & {address?: string; port?: number}) => {
    if (released) {
      failedLate = true;
      return;
    }
    const what = error.code ?? error.message;
    if (connected) abort(CloseCode.aborted, `reset: ${what}`);
    else abort(CloseCode.unreachable, `exit ${error.address ?? '?'}:${error.port ?? '?'} unreachable: ${what}`);
  });
  socket.on('close', () => {
    socketClosed = true;
    // Closed before both ends crossed, without an error (destroyed by someone): still a cut.
    if (!released) abort(CloseCode.aborted, 'closed');
    settle();
  });

  websocket.on('message', onMessage);
  websocket.on('close', onWebsocketClose);

  if (options.firstData && options.firstData.length > 0) writeToSocket(options.firstData);
  // Websockets may come paused (see ServerTransport.openWebsocket) until a reader is attached.
  if (!websocketPausedForSocket) websocket.resume();

  return {
    done,
    startedAt,
    destroy() {
      abort(undefined);
    },
  };
}
