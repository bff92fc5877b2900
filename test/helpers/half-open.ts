/**
 * Half-open TCP for the half-close tests: services and clients that keep their write side
 * open after an EOF (Node's default ends it), as applications that answer after EOF do.
 */
import assert from 'node:assert/strict';
import {randomInt} from 'node:crypto';
import {connect, createServer, type Server, type Socket} from 'node:net';
import {once} from 'node:events';
import type {Defer} from './cleanup.js';
import {sha256, within} from './streams.js';
import {randomPayload} from './tcp.js';

export interface HalfOpenService {
  port: number;
  server: Server;
  accepted: Socket[];
  /** Resolves with each accepted socket, in order. */
  nextSocket(): Promise<Socket>;
}

/** A service on 127.0.0.1 whose sockets stay writable after EOF; `onSocket` serves each one. */
export async function startHalfOpenService(defer: Defer, onSocket?: (socket: Socket) => void): Promise<HalfOpenService> {
  const accepted: Socket[] = [];
  const queue: Socket[] = [];
  const waiting: Array<(socket: Socket) => void> = [];
  const server = createServer({allowHalfOpen: true, noDelay: true}, (socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    onSocket?.(socket);
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else queue.push(socket);
  });
  server.listen({host: '127.0.0.1', port: 0, backlog: 2048});
  await once(server, 'listening');
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of accepted) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port: (server.address() as {port: number}).port,
    server,
    accepted,
    nextSocket: () => {
      const socket = queue.shift();
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** A connected client socket that stays writable after EOF; destroyed after the test. */
export async function openHalfOpen(defer: Defer, port: number): Promise<Socket> {
  const socket = connect({port, host: '127.0.0.1', allowHalfOpen: true, noDelay: true});
  socket.on('error', () => {});
  defer(() => socket.destroy());
  await once(socket, 'connect');
  return socket;
}

/** Everything the socket delivers until EOF, or the code of the error that ends it instead. */
export function readToEnd(socket: Socket): Promise<{data: Buffer; error?: string}> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    socket.once('end', () => resolve({data: Buffer.concat(chunks)}));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({data: Buffer.concat(chunks), error: error.code ?? error.message}));
  });
}

/**
 * One connection to an echo at `port`: a payload of 1 to `maxBytes` bytes, the application's EOF,
 * the echo read up to the echo's EOF and checked byte for byte. Resolves with the payload's size.
 */
export async function echoOnceHalfOpen(defer: Defer, port: number, maxBytes: number): Promise<number> {
  const payload = randomPayload(randomInt(1, maxBytes));
  const app = await openHalfOpen(defer, port);
  const echoed = readToEnd(app);
  app.end(payload);
  const got = await within(echoed, 10_000, 'the echo');
  assert.equal(got.error, undefined);
  assert.equal(sha256(got.data), sha256(payload), 'the echo is byte-exact');
  app.destroy();
  return payload.length;
}
