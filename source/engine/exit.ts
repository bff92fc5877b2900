/**
 * The exit of a tunnel: a websocket waits for the start marker, then the exit connects to
 * its target and pipes. Unlike 1.0.12, anything but the marker as first frame is refused.
 * An unreachable target closes the websocket, which closes the entrance's connection.
 */
import {connect} from 'node:net';
import type WebSocket from 'ws';
import {START_MARKER} from '../protocol/routes.js';
import type {TunnelConnections} from './tunnel-connections.js';
import type {SocketAddress} from './entrance.js';

function isStartMarker(data: WebSocket.RawData, isBinary: boolean): boolean {
  return !isBinary && Buffer.isBuffer(data) && data.length === START_MARKER.length && data.toString('latin1') === START_MARKER;
}

export function serveExit(websocket: WebSocket, target: SocketAddress, connections: TunnelConnections): void {
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
      websocket.close(1002, 'expected the start marker');
      return;
    }
    started = true;
    websocket.pause();
    const socket = connect({host: target.address, port: target.port, allowHalfOpen: true, noDelay: true});
    const onEarlyClose = () => socket.destroy();
    websocket.once('close', onEarlyClose);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (socket.connecting || !socket.remoteAddress) {
        websocket.off('close', onEarlyClose);
        websocket.close(1011, `exit ${target.address}:${target.port} unreachable: ${error.code ?? error.message}`);
      }
    });
    socket.once('connect', () => {
      websocket.off('message', onMessage);
      websocket.off('close', onEarlyClose);
      connections.pipe(socket, websocket, early);
      websocket.resume();
    });
  };
  websocket.on('message', onMessage);
}
