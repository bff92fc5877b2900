/**
 * Websockets reused by the stream extension through a whole engine tunnel: many connections on
 * few websockets, every byte checked, every connection counted as one; aborted connections do
 * not poison their websocket; a classic entrance keeps the classic behaviour.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type {ConnectionRecord} from '../../source/engine/connection-record.js';
import {deferrer} from '../helpers/cleanup.js';
import {startEngineTunnel, type EngineTunnel} from '../helpers/engine-tunnel.js';
import {echoOnceHalfOpen, openHalfOpen, readToEnd, startHalfOpenService} from '../helpers/half-open.js';
import {within} from '../helpers/streams.js';
import {eventually} from '../helpers/netunnel.js';

/** Both halves counted each connection once, and every byte each way. */
async function assertCounted(tunnel: EngineTunnel, connections: number, bytes: number): Promise<void> {
  await eventually(() => tunnel.entrance.connections.size === 0 && tunnel.exit.connections.size === 0, 10_000, 'every connection to close');
  for (const traffic of [tunnel.entrance.connections.traffic, tunnel.exit.connections.traffic]) {
    assert.equal(traffic.totalConnections, connections);
    assert.equal(traffic.activeConnections, 0);
    assert.equal(traffic.bytesToExit, bytes);
    assert.equal(traffic.bytesToEntrance, bytes);
  }
}

test('1000 connections in a row ride a couple of websockets, every byte checked, each counted as one connection', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer, (socket) => socket.pipe(socket));
  const tunnel = await startEngineTunnel(defer, service.port, {pool: {minIdle: 1, maxIdle: 8}});
  let bytes = 0;
  for (let index = 0; index < 1000; index += 1) bytes += await echoOnceHalfOpen(defer, tunnel.entrancePort, 16 * 1024);
  assert.ok(tunnel.websockets.opened.length <= 3, `${tunnel.websockets.opened.length} websockets were opened`);
  assert.equal(service.accepted.length, 1000, 'the service saw one TCP connection per connection');
  await assertCounted(tunnel, 1000, bytes);
});

test('1000 connections, 50 at a time, ride far fewer websockets, every byte checked', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer, (socket) => socket.pipe(socket));
  const tunnel = await startEngineTunnel(defer, service.port, {pool: {minIdle: 1, maxIdle: 64}});
  let bytes = 0;
  let next = 0;
  await Promise.all(
    Array.from({length: 50}, async () => {
      while (next < 1000) {
        next += 1;
        const carried = await echoOnceHalfOpen(defer, tunnel.entrancePort, 16 * 1024);
        bytes += carried;
      }
    }),
  );
  // At most one per connection in flight plus the idle ones ahead of demand.
  assert.ok(tunnel.websockets.opened.length <= 50 + 64, `${tunnel.websockets.opened.length} websockets were opened`);
  await assertCounted(tunnel, 1000, bytes);
});

for (const who of ['application', 'service'] as const) {
  test(`a connection aborted mid-stream by the ${who} closes its websocket; the next connection works on another`, async (t) => {
    const defer = deferrer(t);
    const service = await startHalfOpenService(defer, (socket) => socket.pipe(socket));
    const tunnel = await startEngineTunnel(defer, service.port, {pool: {minIdle: 1, maxIdle: 4}});
    const carrier = tunnel.websockets.opened[0]!;
    const carrierClosed = once(carrier, 'close') as Promise<[number]>;
    const closedRecord = once(tunnel.entrance.connections, 'closed') as Promise<[ConnectionRecord]>;
    const app = await openHalfOpen(defer, tunnel.entrancePort);
    const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
    const echoed = new Promise<void>((resolve) => app.once('data', () => resolve()));
    app.write('half of a conversation');
    await within(echoed, 5000, 'the echo');
    if (who === 'application') app.resetAndDestroy();
    else serviceSocket.resetAndDestroy();
    assert.equal((await within(carrierClosed, 5000, 'the close of the websocket that carried it'))[0], 4000);
    const [record] = await within(closedRecord, 5000, 'the aborted connection to close');
    assert.equal(record.aborted, true);
    assert.equal(record.state, 'closed');
    await echoOnceHalfOpen(defer, tunnel.entrancePort, 16 * 1024);
    assert.equal(carrier.readyState, carrier.CLOSED, 'the aborted websocket was not reused');
    assert.equal(tunnel.entrance.connections.traffic.totalConnections, 2);
  });
}

test('a classic entrance on an exit with the extension on: one websocket per connection, each closed at its end', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer, (socket) => {
    socket.once('data', (request: Buffer) => socket.end(request));
  });
  const tunnel = await startEngineTunnel(defer, service.port, {classic: true});
  const codes: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    const carrier = tunnel.websockets.opened[index]!;
    const closed = once(carrier, 'close').then(([code]) => codes.push(code as number));
    const app = await openHalfOpen(defer, tunnel.entrancePort);
    const answer = readToEnd(app);
    app.write(`request ${index}`);
    assert.equal((await within(answer, 5000, 'the answer')).data.toString(), `request ${index}`);
    app.end();
    await within(closed, 5000, 'the close of its websocket');
  }
  assert.deepEqual(codes, [1000, 1000, 1000, 1000, 1000]);
  await eventually(() => tunnel.websockets.opened.length === 6, 5000, 'the spare after the fifth');
  assert.equal(tunnel.exit.connections.traffic.totalConnections, 5);
});
