/**
 * The half-close checks of the stream extension, for any tunnel entrance: services that answer
 * only after EOF or echo until it, applications that shut their write side and wait, resets
 * mid-stream (issue 10: 1.0.12 loses the bytes that come after a half-close).
 */
import type {Socket} from 'node:net';
import {randomInt} from 'node:crypto';
import type {Defer} from './cleanup.js';
import {openHalfOpen, readToEnd, startHalfOpenService, type HalfOpenService} from './half-open.js';
import {sha256, within, writeWithBackpressure} from './streams.js';
import {randomPayload} from './tcp.js';

/** Runs `count` tasks, `concurrency` at a time. */
export async function inBatches(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      while (next < count) await task(next++);
    }),
  );
}

function answerOf(request: Buffer): string {
  return `${request.length} bytes, sha256 ${sha256(request)}`;
}

/** A service that reads a request up to its EOF, then answers with its length and digest. */
export function startAnswerAfterEofService(defer: Defer): Promise<HalfOpenService> {
  return startHalfOpenService(defer, (socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => socket.end(answerOf(Buffer.concat(chunks))));
  });
}

/** An echo that keeps its write side open after EOF, until everything went back. */
export function startHalfOpenEcho(defer: Defer): Promise<HalfOpenService> {
  return startHalfOpenService(defer, (socket) => socket.pipe(socket));
}

/** `count` applications send a request and shut their write side; how many read the right answer. */
export async function answersAfterEof(defer: Defer, entrancePort: number, count: number, concurrency = 10): Promise<number> {
  let answered = 0;
  await inBatches(count, concurrency, async () => {
    const request = randomPayload(randomInt(1, 16 * 1024));
    const app = await openHalfOpen(defer, entrancePort);
    const answer = readToEnd(app);
    app.end(request);
    const got = await within(answer, 10_000, 'the answer');
    if (got.error === undefined && got.data.toString() === answerOf(request)) answered += 1;
    app.destroy();
  });
  return answered;
}

/** `count` applications send `size` bytes to an echo and shut their write side; how many get all of it back. */
export async function wholeEchoesAfterShutdown(defer: Defer, entrancePort: number, count: number, size: number, concurrency = 10): Promise<number> {
  let whole = 0;
  await inBatches(count, concurrency, async () => {
    const payload = randomPayload(size);
    const app = await openHalfOpen(defer, entrancePort);
    const echoed = readToEnd(app);
    await writeWithBackpressure(app, payload).done;
    app.end();
    const got = await within(echoed, 10_000, 'the echo');
    if (got.error === undefined && got.data.length === size && sha256(got.data) === sha256(payload)) whole += 1;
    app.destroy();
  });
  return whole;
}

/**
 * A connection with bytes flowing both ways, everything sent so far read at both ends. Resets
 * are sent only after that: libuv reports an RST that comes in one wakeup with data as a plain
 * EOF, on a direct connection as well as through a tunnel.
 */
export async function connectionMidStream(defer: Defer, service: HalfOpenService, entrancePort: number): Promise<{app: Socket; serviceSocket: Socket}> {
  const app = await openHalfOpen(defer, entrancePort);
  const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
  const exchange = async (from: Socket, to: Socket) => {
    const payload = randomPayload(100_000);
    let got = 0;
    const arrived = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        got += chunk.length;
        if (got < payload.length) return;
        to.off('data', onData);
        resolve();
      };
      to.on('data', onData);
    });
    from.write(payload);
    await within(arrived, 5000, 'the bytes');
  };
  await exchange(app, serviceSocket);
  await exchange(serviceSocket, app);
  return {app, serviceSocket};
}

/** How the socket ends: the code of its error, or 'a clean end'. */
export function endingOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('end', () => resolve('a clean end'));
  });
}
