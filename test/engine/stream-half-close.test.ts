/**
 * Half-close through a whole engine tunnel with the stream extension (an Entrance with a pool
 * and an ExitPoint, joined by real websockets): what 1.0.12 loses (issue 10) must arrive, and
 * resets must arrive as resets.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {randomInt} from 'node:crypto';
import type {Socket} from 'node:net';
import {deferrer} from '../helpers/cleanup.js';
import {startEngineTunnel} from '../helpers/engine-tunnel.js';
import {openHalfOpen, readToEnd, startHalfOpenService} from '../helpers/half-open.js';
import {randomPayload} from '../helpers/tcp.js';
import {sha256, within, writeWithBackpressure} from '../helpers/streams.js';
import {eventually} from '../helpers/netunnel.js';

/** Runs `count` tasks, `concurrency` at a time. */
async function inBatches(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
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

test('a service that answers only after EOF gets every answer through: 100 of 100', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer, (socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => socket.end(answerOf(Buffer.concat(chunks))));
  });
  const tunnel = await startEngineTunnel(defer, service.port);
  let answered = 0;
  await inBatches(100, 10, async () => {
    const request = randomPayload(randomInt(1, 16 * 1024));
    const app = await openHalfOpen(defer, tunnel.entrancePort);
    const answer = readToEnd(app);
    app.end(request);
    const got = await within(answer, 10_000, 'the answer');
    assert.equal(got.error, undefined);
    if (got.data.toString() === answerOf(request)) answered += 1;
  });
  assert.equal(answered, 100);
});

test('an application that answers only after the service shut its side gets its answer through: 100 of 100', async (t) => {
  const defer = deferrer(t);
  const answers: Array<Promise<{data: Buffer; error?: string}>> = [];
  const service = await startHalfOpenService(defer, (socket) => {
    answers.push(readToEnd(socket));
    socket.end('tell me when you have read all of this');
  });
  const tunnel = await startEngineTunnel(defer, service.port);
  const expected: string[] = [];
  await inBatches(100, 10, async (index) => {
    const app = await openHalfOpen(defer, tunnel.entrancePort);
    const greeting = await within(readToEnd(app), 10_000, 'the greeting and its EOF');
    expected[index] = `${index}: ${greeting.data.length} bytes read`;
    app.end(expected[index]);
  });
  await eventually(() => answers.length === 100, 10_000, 'a hundred connections at the service');
  const got = await within(Promise.all(answers), 10_000, 'the answers');
  assert.deepEqual(got.map((answer) => answer.data.toString()).sort(), [...expected].sort());
});

test('an echo of 256 KiB followed by shutdown comes back whole: 200 of 200', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer, (socket) => socket.pipe(socket));
  const tunnel = await startEngineTunnel(defer, service.port, {pool: {maxIdle: 16}});
  let whole = 0;
  await inBatches(200, 10, async () => {
    const payload = randomPayload(256 * 1024);
    const app = await openHalfOpen(defer, tunnel.entrancePort);
    const echoed = readToEnd(app);
    await writeWithBackpressure(app, payload).done;
    app.end();
    const got = await within(echoed, 10_000, 'the echo');
    if (got.error === undefined && sha256(got.data) === sha256(payload)) whole += 1;
  });
  assert.equal(whole, 200);
  assert.ok(tunnel.websockets.opened.length <= 10 + 16 + 2, `${tunnel.websockets.opened.length} websockets for 200 connections, 10 at a time`);
});

/** A connection with bytes flowing both ways, everything sent so far read at both ends. */
async function midStream(defer: ReturnType<typeof deferrer>) {
  const service = await startHalfOpenService(defer);
  const tunnel = await startEngineTunnel(defer, service.port);
  const app = await openHalfOpen(defer, tunnel.entrancePort);
  const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
  // Resets are sent once everything is read: libuv reports an RST that comes in one wakeup
  // with data as a plain EOF, on a direct connection as well as through the tunnel.
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
  return {tunnel, app, serviceSocket};
}

function errorOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('end', () => resolve('a clean end'));
  });
}

test('an application that resets mid-stream is seen as a reset by the service', async (t) => {
  const defer = deferrer(t);
  const {app, serviceSocket, tunnel} = await midStream(defer);
  const seen = errorOf(serviceSocket);
  app.resetAndDestroy();
  assert.equal(await within(seen, 5000, 'the reset at the service'), 'ECONNRESET');
  await eventually(() => tunnel.entrance.connections.size === 0 && tunnel.exit.connections.size === 0, 5000, 'both records to close');
});

test('a service that resets mid-stream is seen as a reset by the application', async (t) => {
  const defer = deferrer(t);
  const {app, serviceSocket} = await midStream(defer);
  const seen = errorOf(app);
  serviceSocket.resetAndDestroy();
  assert.equal(await within(seen, 5000, 'the reset at the application'), 'ECONNRESET');
});

test('a reset after one side shut its write side is still a reset, not a truncated clean end', async (t) => {
  const defer = deferrer(t);
  const {app, serviceSocket} = await midStream(defer);
  const serviceGotEof = new Promise((resolve) => serviceSocket.once('end', resolve));
  app.end();
  await within(serviceGotEof, 5000, "the application's EOF at the service");
  const seen = errorOf(app);
  serviceSocket.resetAndDestroy();
  assert.equal(await within(seen, 5000, 'the reset at the application'), 'ECONNRESET');
});
