/**
 * Half-close through a whole engine tunnel with the stream extension (an Entrance with a pool
 * and an ExitPoint, joined by real websockets): what 1.0.12 loses (issue 10) must arrive, and
 * resets must arrive as resets.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {deferrer} from '../helpers/cleanup.js';
import {startEngineTunnel} from '../helpers/engine-tunnel.js';
import {
  answersAfterEof,
  connectionMidStream,
  endingOf,
  inBatches,
  startAnswerAfterEofService,
  startHalfOpenEcho,
  wholeEchoesAfterShutdown,
} from '../helpers/half-close.js';
import {openHalfOpen, readToEnd, startHalfOpenService} from '../helpers/half-open.js';
import {within} from '../helpers/streams.js';
import {eventually} from '../helpers/netunnel.js';

test('a service that answers only after EOF gets every answer through: 100 of 100', async (t) => {
  const defer = deferrer(t);
  const service = await startAnswerAfterEofService(defer);
  const tunnel = await startEngineTunnel(defer, service.port);
  assert.equal(await answersAfterEof(defer, tunnel.entrancePort, 100), 100);
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
  const service = await startHalfOpenEcho(defer);
  const tunnel = await startEngineTunnel(defer, service.port, {pool: {maxIdle: 16}});
  assert.equal(await wholeEchoesAfterShutdown(defer, tunnel.entrancePort, 200, 256 * 1024), 200);
  assert.ok(tunnel.websockets.opened.length <= 10 + 16 + 2, `${tunnel.websockets.opened.length} websockets for 200 connections, 10 at a time`);
});

/** A connection with bytes flowing both ways through an engine tunnel. */
async function midStream(defer: ReturnType<typeof deferrer>) {
  const service = await startHalfOpenService(defer);
  const tunnel = await startEngineTunnel(defer, service.port);
  return {tunnel, ...(await connectionMidStream(defer, service, tunnel.entrancePort))};
}

test('an application that resets mid-stream is seen as a reset by the service', async (t) => {
  const defer = deferrer(t);
  const {app, serviceSocket, tunnel} = await midStream(defer);
  const seen = endingOf(serviceSocket);
  app.resetAndDestroy();
  assert.equal(await within(seen, 5000, 'the reset at the service'), 'ECONNRESET');
  await eventually(() => tunnel.entrance.connections.size === 0 && tunnel.exit.connections.size === 0, 5000, 'both records to close');
});

test('a service that resets mid-stream is seen as a reset by the application', async (t) => {
  const defer = deferrer(t);
  const {app, serviceSocket} = await midStream(defer);
  const seen = endingOf(app);
  serviceSocket.resetAndDestroy();
  assert.equal(await within(seen, 5000, 'the reset at the application'), 'ECONNRESET');
});

test('a reset after one side shut its write side is still a reset, not a truncated clean end', async (t) => {
  const defer = deferrer(t);
  const {app, serviceSocket} = await midStream(defer);
  const serviceGotEof = new Promise((resolve) => serviceSocket.once('end', resolve));
  app.end();
  await within(serviceGotEof, 5000, "the application's EOF at the service");
  const seen = endingOf(app);
  serviceSocket.resetAndDestroy();
  assert.equal(await within(seen, 5000, 'the reset at the application'), 'ECONNRESET');
});
