/**
 * The exit side of the stream extension, for one websocket (docs/stream-extension.md section 3):
 * each start frame opens a connection to the target, piped until both directions ended; then the
 * websocket waits for the next start frame. An idle websocket that the entrance closes is just
 * gone; anything but a start frame while waiting is a violation (close 1002).
 */
import {connect} from 'node:net';
import {performance} from 'node:perf_hooks';
import type WebSocket from 'ws';
import {messageOf} from '../protocol/errors.js';
import {CloseCode, closeReason, decodeStartFrame, type StartFrame} from '../protocol/stream-frames.js';
import {toBuffer} from './pipe.js';
import type {SocketAddress} from '../protocol/socket-address.js';
import type {TunnelConnections} from './tunnel-connections.js';
import type {IdleWatcher} from './idle-liveness.js';

export interface StreamExitContext {
  target: SocketAddress;
  connections: TunnelConnections;
  /** The websocket is to carry a connection; false: the exit is stopping, refuse it. */
  carrying(websocket: WebSocket): boolean;
  /** The websocket waits for a start frame (again); false: the exit is stopping, let it go. */
  awaiting(websocket: WebSocket): boolean;
  /** Watches a websocket while it waits for its next start frame (e.g. a server's heartbeat). */
  watchIdle?: IdleWatcher | undefined;
}

/** Serves a websocket whose first frame `frame` came (binary: it must be a start frame). */
export function serveStreamExit(websocket: WebSocket, frame: Buffer, context: StreamExitContext): void {
  startConnection(websocket, frame, context);
}

function startConnection(websocket: WebSocket, frame: Buffer, context: StreamExitContext): void {
  let start: StartFrame;
  try {
    start = decodeStartFrame(frame);
  } catch (error) {
    websocket.close(CloseCode.violation, closeReason(messageOf(error)));
    return;
  }
  // A start that crossed the close of a stopping exit: its connection is cut, not made.
  if (!context.carrying(websocket)) {
    websocket.close(CloseCode.aborted, 'the tunnel is stopping');
    return;
  }
  const {target} = context;
  const startedAt = performance.now();
  // Piped at once: what arrives while it connects waits in the socket's own buffer, under its
  // backpressure, and a target that refuses aborts the connection with 1011 (stream-pipe.ts).
  const socket = connect({host: target.address, port: target.port, allowHalfOpen: true, noDelay: true});
  const record = context.connections.pipeStream(socket, websocket, {
    firstData: start.firstData,
    source: start.header.source,
    release: (free) => awaitStart(free, context),
  });
  socket.once('connect', () => record.connected(performance.now() - startedAt));
}

function awaitStart(websocket: WebSocket, context: StreamExitContext): void {
  if (!context.awaiting(websocket)) {
    websocket.close(CloseCode.idle);
    return;
  }
  const unwatch = context.watchIdle?.(websocket);
  const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
    websocket.off('message', onMessage);
    unwatch?.();
    if (isBinary) startConnection(websocket, toBuffer(data), context);
    else websocket.close(CloseCode.violation, 'expected a start frame');
  };
  websocket.on('message', onMessage);
}
