/**
 * Coalescing of connection events: per tick one `connection.opened` and one `connection.closed`
 * frame at most, connections that open and close within a tick only counted in `short_lived`,
 * frames bounded (the rest counted as `omitted`); and through a real server, a thousand
 * connections cost the event stream a few frames whose totals add up exactly.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {connect, type Socket} from 'node:net';
import {once} from 'node:events';
import type {ServerEvent} from '../../../source/protocol/server-events.js';
import {ConnectionBatch} from '../../../source/server/management/connection-batch.js';
import {ConnectionRegistry} from '../../../source/server/management/connection-registry.js';
import {deferrer, type Defer} from '../../helpers/cleanup.js';
import {startEngineTunnel} from '../../helpers/engine-tunnel.js';
import {subscribeEvents} from '../../helpers/event-stream.js';
import {openHalfOpen, readToEnd, startHalfOpenService} from '../../helpers/half-open.js';
import {eventually} from '../../helpers/netunnel.js';
import {between, ISO_TIME, PINNED, pinned, timeSince} from '../../helpers/pinned.js';
import {readExactly, within} from '../../helpers/streams.js';
import {startEchoServer} from '../../helpers/tcp.js';
import {startTunnel} from '../../helpers/tunnels.js';

async function batchOverEngineTunnel(defer: Defer, maxListed: number, minAgeMs = 0) {
  const service = await startHalfOpenService(defer, (socket) => socket.pipe(socket));
  const tunnel = await startEngineTunnel(defer, service.port);
  const registry = new ConnectionRegistry();
  registry.watch(3, 4, tunnel.entrance.connections);
  defer(() => registry.close());
  const batch = new ConnectionBatch(registry, maxListed, minAgeMs);
  /** A connection that has carried `size` bytes each way (echoed). */
  const open = async (size: number) => {
    const app = await openHalfOpen(defer, tunnel.entrancePort);
    app.write(Buffer.alloc(size, 1));
    await readExactly(app, size);
    return app;
  };
  /** Ends a connection cleanly and waits until the registry let go of it. */
  const end = async (app: Socket) => {
    const before = registry.size;
    const ended = readToEnd(app);
    app.end();
    await within(ended, 5000, 'the end');
    await eventually(() => registry.size === before - 1, 5000, 'the record to go');
  };
  return {registry, batch, open, end};
}

const OPENED_PINS = {at: ISO_TIME, 'connections.*.id': between(1, 100), 'connections.*.opened_at': timeSince(Date.now() - 60_000), 'connections.*.last_activity_at': timeSince(Date.now() - 60_000), 'connections.*.idle_ms': between(0, 10_000), 'connections.*.source.port': between(1, 65535)};

function opened(bytes: number) {
  return {
    id: PINNED,
    channel_id: 3,
    tunnel_id: 4,
    source: {address: '127.0.0.1', port: PINNED},
    opened_at: PINNED,
    last_activity_at: PINNED,
    idle_ms: PINNED,
    state: 'open',
    ended: null,
    bytes: {sent: bytes, received: bytes},
    rate: {sent: 0, received: 0},
  };
}

test('one opened frame per tick, bounded; a connection opened and closed within a tick is only counted; nothing moved, no frame', async (t) => {
  const defer = deferrer(t);
  const {registry, batch, open, end} = await batchOverEngineTunnel(defer, 2);
  assert.deepEqual(batch.take(), []);
  const first = await open(5);
  assert.deepEqual(pinned(batch.take(), {'0.at': ISO_TIME, ...Object.fromEntries(Object.entries(OPENED_PINS).filter(([key]) => key !== 'at').map(([key, check]) => [`0.${key}`, check]))}), [
    {type: 'connection.opened', at: PINNED, connections: [opened(5)], omitted: 0},
  ]);
  const [firstId] = registry.list().map((tracked) => tracked.id);
  const others = [await open(1), await open(2), await open(3)];
  const [frame, ...rest] = batch.take();
  assert.deepEqual(rest, []);
  assert.deepEqual(pinned(frame, OPENED_PINS), {type: 'connection.opened', at: PINNED, connections: [opened(1), opened(2)], omitted: 1});

  // One opens and closes between two ticks: never listed; the first one closes: listed.
  await end(await open(7));
  await end(first);
  const closing = batch.take();
  assert.deepEqual(pinned(closing, {'0.at': ISO_TIME, '0.connections.0.closed_at': ISO_TIME, '0.connections.0.duration_ms': between(0, 10_000)}), [
    {
      type: 'connection.closed',
      at: PINNED,
      connections: [{id: firstId, channel_id: 3, tunnel_id: 4, closed_at: PINNED, duration_ms: PINNED, bytes: {sent: 5, received: 5}, aborted: false}],
      omitted: 0,
      short_lived: [{channel_id: 3, tunnel_id: 4, count: 1, aborted: 0, bytes: {sent: 7, received: 7}}],
    },
  ]);
  assert.deepEqual(batch.take(), []);

  // Past the limit, closures are counted too.
  for (const app of others) await end(app);
  const [closed] = batch.take() as Array<Extract<ServerEvent, {type: 'connection.closed'}>>;
  assert.deepEqual([closed!.connections.map((item) => item.bytes.sent), closed!.omitted, closed!.short_lived], [[1, 2], 1, []]);
});

test('a connection is listed once it has been open a whole interval; one that closes sooner is only counted', async (t) => {
  const defer = deferrer(t);
  const interval = 60_000;
  const {registry, batch, open, end} = await batchOverEngineTunnel(defer, 10, interval);
  const lasting = await open(1);
  const brief = await open(2);
  assert.deepEqual(batch.take(), [], 'both too young to be listed');
  const [listed] = batch.take(Date.now() + interval) as Array<Extract<ServerEvent, {type: 'connection.opened'}>>;
  assert.deepEqual(listed!.connections.map((item) => item.bytes.sent), [1, 2]);
  const young = await open(3);
  await end(young);
  const [closed] = batch.take(Date.now() + interval) as Array<Extract<ServerEvent, {type: 'connection.closed'}>>;
  assert.deepEqual([closed!.type, closed!.connections, closed!.short_lived.map((item) => [item.count, item.bytes.sent])], ['connection.closed', [], [[1, 3]]]);
  assert.ok(lasting && brief && registry.size === 2);
});

test('a cut connection is reported aborted, listed or in its summary', async (t) => {
  const defer = deferrer(t);
  const {registry, batch, open} = await batchOverEngineTunnel(defer, 10);
  const listed = await open(1);
  batch.take();
  const shortLived = await open(1);
  listed.resetAndDestroy();
  shortLived.resetAndDestroy();
  await eventually(() => registry.size === 0, 5000, 'both records to go');
  const [closed] = batch.take() as Array<Extract<ServerEvent, {type: 'connection.closed'}>>;
  assert.deepEqual(
    [closed!.connections.map((item) => item.aborted), closed!.short_lived.map((item) => [item.count, item.aborted])],
    [[true], [[1, 1]]],
  );
});

/** Opens `count` connections, `concurrency` at a time, each sending `size` bytes, reading the echo and ending. */
async function cycles(port: number, count: number, concurrency: number, size: number): Promise<void> {
  let started = 0;
  const one = async () => {
    const socket = connect({port, host: '127.0.0.1'});
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write(Buffer.alloc(size, 7));
    await readExactly(socket, size);
    const closed = once(socket, 'close');
    socket.end();
    await closed;
  };
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      while (started < count) {
        started += 1;
        await one();
      }
    }),
  );
}

test('a thousand connections through a tunnel cost /events a few frames, whose totals add up exactly', async (t) => {
  const defer = deferrer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const {url, client, tunnel, entrancePort, serverTunnel} = await startTunnel(t, 'forward', echo.port);
  const events = await subscribeEvents(defer, url);
  await events.waitFor('snapshot');
  const framesBefore = events.frames();
  const started = Date.now();
  await within(cycles(entrancePort, 1000, 50, 10), 60_000, 'a thousand connections');
  await eventually(() => serverTunnel.traffic.activeConnections === 0, 10_000, 'every connection to close at the server');
  const elapsedMs = Date.now() - started;
  await events.waitFor('stats', (event) => event.tunnels.some((item) => item.id === tunnel.id && item.connections.active === 0 && item.connections.total === 1000), 5000);
  const frames = events.events.slice(1);
  const connectionFrames = frames.filter((event) => event.type === 'connection.opened' || event.type === 'connection.closed');
  // At most one opened and one closed frame per tick (1 s), plus a tick of slack at each end.
  const ticks = Math.ceil(elapsedMs / 1000) + 2;
  assert.ok(connectionFrames.length <= 2 * ticks, `${connectionFrames.length} connection frames in ${elapsedMs} ms`);
  assert.ok(events.frames() - framesBefore <= 4 * ticks, `${events.frames() - framesBefore} frames in all`);
  const openedFrames = frames.filter((event) => event.type === 'connection.opened');
  const closedFrames = frames.filter((event) => event.type === 'connection.closed');
  const shortLived = closedFrames.flatMap((event) => event.short_lived);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const shortLivedCount = sum(shortLived.map((item) => item.count));
  assert.equal(sum(openedFrames.map((event) => event.connections.length + event.omitted)) + shortLivedCount, 1000, 'every connection opened once');
  assert.equal(sum(closedFrames.map((event) => event.connections.length + event.omitted)) + shortLivedCount, 1000, 'every connection closed once');
  const closedBytes = closedFrames.flatMap((event) => event.connections.map((item) => item.bytes));
  for (const way of ['sent', 'received'] as const) {
    assert.equal(sum(closedBytes.map((bytes) => bytes[way])) + sum(shortLived.map((item) => item.bytes[way])), 10_000, `bytes ${way}`);
  }
  assert.ok(shortLived.every((item) => item.channel_id === client.channelId && item.tunnel_id === tunnel.id && item.aborted === 0));
  t.diagnostic(`${connectionFrames.length} connection frames, ${events.frames() - framesBefore} frames, ${events.bytes()} bytes in ${elapsedMs} ms`);
});
