/**
 * The exit of a tunnel: a websocket waits for the start marker, then the exit connects to
 * its target and pipes. Unlike 1.0.12, anything but the marker as first frame is refused.
 * An unreachable target closes the websocket, which closes the entrance's connection.
 * With the stream extension on (`streams`), a binary first frame is a stream start instead
 * (stream-exit.ts): that websocket then carries one connection after another.
 */
import {connect} from 'node:net';
import {performance} from 'node:perf_hooks';
import WebSocket from 'ws';
import {START_MARKER} from '../protocol/routes.js';
import {toBuffer} from './pipe.js';
import {serveStreamExit, type StreamExitContext} from './stream-exit.js';
import {TunnelConnections} from './tunnel-connections.js';
import type {SocketAddress} from '../protocol/socket-address.js';
import type {IdleWatcher} from './idle-liveness.js';

export interface ExitOptions {
  /** Accept the stream extension's start frames: only where both sides announced it. */
  streams?: boolean | undefined;
  /**
   * Watches a stream websocket each time it waits for its next start frame after carrying a
   * connection (the first wait, before any frame, is the acceptor's, as for classic websockets).
   */
  watchIdle?: IdleWatcher | undefined;
}

function isStartMarker(data: WebSocket.RawData, isBinary: boolean): boolean {
  return !isBinary && Buffer.isBuffer(data) && data.length === START_MARKER.length && data.toString('latin1') === START_MARKER;
}

/** Close reasons are limited to 123 bytes by RFC 6455. */
function closeReason(text: string): string {
  return Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 123).toString('latin1');
}

/**
 * One exit of a tunnel: the websockets waiting for their marker, those whose connection to the
 * target is being made, and the live connections.
 */
export class ExitPoint {
  readonly connections = new TunnelConnections('exit');
  private readonly waiting = new Set<WebSocket>();
  /** Marker received, target connection under way: not in `connections` yet. */
  private readonly connecting = new Set<WebSocket>();
  private stopped = false;
  private readonly streamContext: StreamExitContext | undefined;

  constructor(
    readonly target: SocketAddress,
    options: ExitOptions = {},
  ) {
    this.streamContext = options.streams
      ? {
          target,
          connections: this.connections,
          carrying: (websocket) => {
            this.waiting.delete(websocket);
            return !this.stopped;
          },
          awaiting: (websocket) => {
            if (this.stopped || websocket.readyState !== WebSocket.OPEN) return false;
            this.waiting.add(websocket);
            return true;
          },
          watchIdle: options.watchIdle,
        }
      : undefined;
  }

  /** Websockets accepted whose connection is not piped yet (before their marker, or connecting). */
  get unpipedCount(): number {
    return this.waiting.size + this.connecting.size;
  }

  accept(websocket: WebSocket): void {
    if (this.stopped) {
      websocket.close(1000);
      return;
    }
    this.waiting.add(websocket);
    const forget = () => {
      this.waiting.delete(websocket);
      this.connecting.delete(websocket);
    };
    websocket.once('close', forget);
    serveExit(
      websocket,
      this.target,
      this.connections,
      () => {
        this.waiting.delete(websocket);
        this.connecting.add(websocket);
      },
      () => {
        websocket.off('close', forget);
        this.connecting.delete(websocket);
      },
      this.streamContext && ((frame) => serveStreamExit(websocket, frame, this.streamContext!)),
    );
  }

  async stop(force: boolean): Promise<void> {
    this.stopped = true;
    for (const websocket of this.waiting) websocket.close(1000);
    this.waiting.clear();
    // A forced stop also cuts connections still being made (they would otherwise outlive the
    // tunnel, piped after the stop); a graceful one lets them start and run to their end.
    if (force) for (const websocket of this.connecting) websocket.terminate();
    this.connecting.clear();
    await this.connections.close(force);
  }
}

export function serveExit(
  websocket: WebSocket,
  target: SocketAddress,
  connections: TunnelConnections,
  onStarted: () => void = () => {},
  onPiped: () => void = () => {},
  /** Takes over a websocket whose first frame is binary (the stream extension's start). */
  onStreamStart?: (frame: Buffer) => void,
): void {
  // Frames that arrive while the exit connects are kept and written first.
  const early: Buffer[] = [];
  let started = false;
  websocket.on('error', () => {});

  const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
    if (started) {
      if (isBinary) early.push(Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]));
      return;
    }
    if (!isStartMarker(data, isBinary)) {
      if (onStreamStart && isBinary) {
        websocket.off('message', onMessage);
        onStreamStart(toBuffer(data));
        return;
      }
      websocket.close(1002, 'expected the start marker');
      return;
    }
    started = true;
    const startedAt = performance.now();
    onStarted();
    websocket.pause();
    const socket = connect({host: target.address, port: target.port, allowHalfOpen: true, noDelay: true});
    const onEarlyClose = () => socket.destroy();
    websocket.once('close', onEarlyClose);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (socket.connecting || !socket.remoteAddress) {
        websocket.off('close', onEarlyClose);
        // Reading again first: a paused websocket never reads the peer's answering close frame,
        // so neither side would see the close before ws's 30 s timeout.
        websocket.resume();
        websocket.close(1011, closeReason(`exit ${target.address}:${target.port} unreachable: ${error.code ?? error.message}`));
      }
    });
    socket.once('connect', () => {
      websocket.off('message', onMessage);
      websocket.off('close', onEarlyClose);
      onPiped();
      connections.pipe(socket, websocket, {pending: early, connectMs: performance.now() - startedAt});
    });
  };
  websocket.on('message', onMessage);
  websocket.resume();
}
