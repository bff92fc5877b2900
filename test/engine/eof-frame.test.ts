/**
 * The end of a connection as NETunnel 1.0.12 really signals it (observed on the wire):
 * when its side of the TCP connection reaches EOF, 1.0.12 sends one EMPTY binary frame
 * (its read loop forwards the b'' that marks EOF). A 1.0.12 *server* acting as the entrance
 * (reverse tunnel; aiohttp 3.8) then never closes that websocket: its
 * `if websocket: await websocket.close()` is false for aiohttp's WebSocketResponse, whose
 * `__len__` is 0. So the empty frame is the only end-of-connection signal a client gets.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer, type Socket} from 'node:net';
import WebSocket, {WebSocketServer} from 'ws';
import {ExitPoint} from '../../source/engine/exit.js';
import {within} from '../helpers/streams.js';

/** A websocket pair on 127.0.0.1: `remote` plays the 1.0.12 side, `local` is handed to our code. */
async function websocketPair(): Promise<{remote: WebSocket; local: WebSocket; close(): Promise<void>}> {
  const wss = new WebSocketServer({host: '127.0.0.1', port: 0});
  await once(wss, 'listening');
  const {port} = wss.address() as {port: number};
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const local = new WebSocket(`ws://127.0.0.1:${port}/channels/1/tunnels/1/connect`);
  await within(once(local, 'open'), 10_000, "local to emit 'open'");
  const [remote] = await within(accepted, 10_000, 'the accepted connection');
  return {
    remote,
    local,
    close: () =>
      new Promise<void>((resolve) => {
        remote.terminate();
        local.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A service that records what each connection sent and when it ended. */
async function startService(): Promise<{port: number; connection: Promise<{received: Promise<Buffer>; socket: Socket}>; close(): Promise<void>}> {
  const sockets: Socket[] = [];
  let onConnection!: (value: {received: Promise<Buffer>; socket: Socket}) => void;
  const connection = new Promise<{received: Promise<Buffer>; socket: Socket}>((resolve) => (onConnection = resolve));
  const server = createServer({allowHalfOpen: true}, (socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Like most services: answer EOF by ending its side too.
    socket.on('end', () => socket.end());
    onConnection({socket, received: once(socket, 'end').then(() => Buffer.concat(chunks))});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const {port} = server.address() as {port: number};
  return {
    port,
    connection,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

test('exit: an empty binary frame from a 1.0.12 entrance ends the connection, though the entrance never closes its websocket', {timeout: 5000}, async () => {
  const service = await startService();
  const pair = await websocketPair();
  const exit = new ExitPoint({address: '127.0.0.1', port: service.port});
  exit.accept(pair.local);
  // What the 1.0.12 server sent, frame by frame: the marker, the bytes, then b'' at EOF.
  pair.remote.send('pasten');
  const {received, socket} = await within(service.connection, 10_000, 'the connection at the service');
  pair.remote.send(Buffer.from('hello'), {binary: true});
  pair.remote.send(Buffer.alloc(0), {binary: true});
  const closedByUs = once(pair.remote, 'close') as Promise<[number, Buffer]>;
  // The service sees the bytes and then EOF; the websocket is closed normally by our side.
  assert.equal((await received).toString(), 'hello');
  await within(once(socket, 'close'), 10_000, "socket to emit 'close'");
  const [code] = await within(closedByUs, 10_000, 'our close');
  assert.equal(code, 1000);
  await exit.connections.close(false);
  assert.equal(exit.connections.size, 0);
  await pair.close();
  await service.close();
});

test('exit: an empty binary frame that arrives while the exit still connects ends the connection too', {timeout: 5000}, async () => {
  const service = await startService();
  const pair = await websocketPair();
  const exit = new ExitPoint({address: '127.0.0.1', port: service.port});
  exit.accept(pair.local);
  // A client that connected to the 1.0.12 entrance and left at once: marker and EOF back to back.
  pair.remote.send('pasten');
  pair.remote.send(Buffer.alloc(0), {binary: true});
  const closedByUs = once(pair.remote, 'close') as Promise<[number, Buffer]>;
  const {received} = await within(service.connection, 10_000, 'the connection at the service');
  assert.equal((await received).length, 0);
  const [code] = await within(closedByUs, 10_000, 'our close');
  assert.equal(code, 1000);
  await pair.close();
  await service.close();
});

test('exit: bytes after an empty binary frame are dropped, not written to an ended connection', {timeout: 5000}, async () => {
  const service = await startService();
  const pair = await websocketPair();
  const exit = new ExitPoint({address: '127.0.0.1', port: service.port});
  exit.accept(pair.local);
  pair.remote.send('pasten');
  const {received} = await within(service.connection, 10_000, 'the connection at the service');
  pair.remote.send(Buffer.from('before'), {binary: true});
  pair.remote.send(Buffer.alloc(0), {binary: true});
  pair.remote.send(Buffer.from('after'), {binary: true});
  assert.equal((await received).toString(), 'before');
  await within(once(pair.remote, 'close'), 10_000, "pair.remote to emit 'close'");
  await pair.close();
  await service.close();
});
