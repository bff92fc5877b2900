/**
 * The stream extension's pool of ready websockets (docs/stream-extension.md section 6), over
 * real websockets to a ws server on 127.0.0.1 that plays the exit side.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {performance} from 'node:perf_hooks';
import type {TestContext} from 'node:test';
import WebSocket from 'ws';
import {WebsocketPool, type WebsocketPoolOptions} from '../../source/engine/websocket-pool.js';
import {InvalidPoolOptionsError, SupplyStoppedError} from '../../source/engine/engine-errors.js';
import {deferrer} from '../helpers/cleanup.js';
import {within} from '../helpers/streams.js';
import {eventually} from '../helpers/netunnel.js';
import {startWebsocketServer} from '../helpers/websocket-server.js';

async function setup(t: TestContext, options: WebsocketPoolOptions) {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  const pool = new WebsocketPool(() => server.requester(), options);
  defer(() => pool.stop());
  pool.start();
  await within(pool.whenReady(), 5000, 'the first idle websocket');
  return {server, pool};
}

/** Close codes seen by the exit side, per websocket, as they come. */
function closeCodes(accepted: WebSocket[]): Map<WebSocket, number> {
  const codes = new Map<WebSocket, number>();
  for (const websocket of accepted) websocket.once('close', (code: number) => codes.set(websocket, code));
  return codes;
}

test('it keeps its floor of idle websockets', async (t) => {
  const {server, pool} = await setup(t, {minIdle: 3, maxIdle: 8});
  await eventually(() => pool.idleCount === 3, 5000, 'three idle websockets');
  assert.equal(server.opened.length, 3);
});

test('a take that drains it asks for as many as are busy: it grows ahead of demand', async (t) => {
  const {server, pool} = await setup(t, {minIdle: 1, maxIdle: 64});
  const taken = await within(Promise.all(Array.from({length: 8}, () => pool.take())), 5000, 'eight websockets');
  assert.equal(new Set(taken).size, 8);
  // Nothing came back, yet as many are ready as are busy: the next eight will not wait.
  await eventually(() => pool.idleCount === 8, 5000, 'eight idle websockets');
  assert.equal(pool.busyCount, 8);
  const waited = pool.waitedTakes;
  await within(Promise.all(Array.from({length: 8}, () => pool.take())), 5000, 'eight more');
  assert.equal(pool.waitedTakes, waited, 'no take waited');
  assert.ok(server.opened.length <= 8 + 8 + 16, `${server.opened.length} websockets were opened`);
});

test('after a burst of 200 the websockets that come back stay ready: the next burst of 200 waits for no handshake', async (t) => {
  const {server, pool} = await setup(t, {minIdle: 1, maxIdle: 256, idleTimeoutMs: 60_000});
  const first = await within(Promise.all(Array.from({length: 200}, () => pool.take())), 20_000, 'the first burst');
  assert.equal(new Set(first).size, 200, 'each take has a websocket of its own');
  for (const websocket of first) pool.giveBack(websocket);
  await eventually(() => pool.openingCount === 0, 10_000, 'the requests to settle');
  assert.ok(pool.idleCount >= 200 && pool.idleCount <= 256, `${pool.idleCount} idle after the burst`);
  const ready = [...server.opened];
  const waited = pool.waitedTakes;
  const second = await within(Promise.all(Array.from({length: 200}, () => pool.take())), 20_000, 'the second burst');
  assert.equal(new Set(second).size, 200);
  assert.equal(pool.waitedTakes, waited, 'no take of the second burst waited');
  assert.ok(second.every((websocket) => ready.includes(websocket)), 'every websocket of the second burst was open before it');
  assert.ok(server.opened.length <= ready.length + 256, 'replacements are bounded by maxIdle');
});

test('it never keeps more than maxIdle idle: the excess that comes back is closed with 1000', async (t) => {
  const {server, pool} = await setup(t, {minIdle: 1, maxIdle: 4});
  const taken = await within(Promise.all(Array.from({length: 10}, () => pool.take())), 5000, 'ten websockets');
  await eventually(() => pool.openingCount === 0, 5000, 'the requests to settle');
  const codes = closeCodes(server.accepted);
  for (const websocket of taken) pool.giveBack(websocket);
  assert.equal(pool.idleCount, 4);
  await eventually(() => codes.size >= server.accepted.length - 4, 5000, 'the excess to be closed');
  assert.ok([...codes.values()].every((code) => code === 1000));
});

test('under the exit side\'s limit (maxUnused) a burst asks in rounds: never more idle or asked for than the limit, every take served', async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  let pool!: WebsocketPool;
  let mostUnused = 0;
  pool = new WebsocketPool(
    () => {
      // Called once counted as asked for: idle plus asked for is what the exit side holds unused.
      mostUnused = Math.max(mostUnused, pool.idleCount + pool.openingCount + pool.closingCount);
      return server.requester();
    },
    {minIdle: 1, maxIdle: 2, maxUnused: 4},
  );
  defer(() => pool.stop());
  pool.start();
  const taken = await within(Promise.all(Array.from({length: 30}, () => pool.take())), 10_000, 'thirty websockets');
  assert.equal(new Set(taken).size, 30);
  await eventually(() => pool.openingCount === 0, 5000, 'the requests to settle');
  assert.equal(mostUnused, 4, 'the limit is reached, never passed');
  const idleBefore = pool.idleCount;
  for (const websocket of taken) pool.giveBack(websocket);
  assert.equal(pool.idleCount, 2);
  // Those beyond maxIdle are being closed: the exit side holds them until their close is done,
  // so the next burst waits for them to go rather than passing the limit.
  assert.equal(pool.closingCount, 30 - (2 - idleBefore));
  const next = await within(Promise.all(Array.from({length: 6}, () => pool.take())), 10_000, 'six more');
  assert.equal(new Set(next).size, 6);
  assert.equal(mostUnused, 4, 'still within the limit');
  await eventually(() => pool.closingCount === 0, 5000, 'the closes to be done');
});

test('idle websockets above the floor are closed after the idle time, and nothing replaces them', async (t) => {
  const {server, pool} = await setup(t, {minIdle: 2, maxIdle: 64, idleTimeoutMs: 150});
  const taken = await within(Promise.all(Array.from({length: 20}, () => pool.take())), 10_000, 'twenty websockets');
  await eventually(() => pool.openingCount === 0, 5000, 'the requests to settle');
  for (const websocket of taken) pool.giveBack(websocket);
  assert.ok(pool.idleCount >= 20, `${pool.idleCount} idle after the burst`);
  const opened = server.opened.length;
  const codes = closeCodes(server.accepted);
  await eventually(() => pool.idleCount === 2, 5000, 'the shrink to the floor');
  await eventually(() => codes.size === opened - 2, 5000, 'the closes to reach the exit side');
  assert.ok([...codes.values()].every((code) => code === 1000));
  assert.equal(server.opened.length, opened, 'no websocket was asked for to replace them');
  assert.equal(pool.openingCount, 0);
});

test('the most recently returned websocket is taken first', async (t) => {
  const {pool} = await setup(t, {minIdle: 1, maxIdle: 8});
  const [a, b] = await within(Promise.all([pool.take(), pool.take()]), 5000, 'two websockets');
  pool.giveBack(a!);
  pool.giveBack(b!);
  assert.equal(pool.takeIdle(), b);
  assert.equal(pool.takeIdle(), a);
});

test('an idle websocket that the exit side closes is dropped, and the floor refilled', async (t) => {
  const {server, pool} = await setup(t, {minIdle: 1, maxIdle: 4});
  const gone = server.opened[0]!;
  const closed = once(gone, 'close');
  server.accepted[0]!.close(1000);
  await within(closed, 5000, 'the close');
  await eventually(() => pool.idleCount === 1 && server.opened.length === 2, 5000, 'a new idle websocket');
  const taken = pool.takeIdle();
  assert.notEqual(taken, gone);
  assert.equal(taken?.readyState, WebSocket.OPEN);
});

test('a frame on an idle websocket is a violation: closed with 1002, and replaced', async (t) => {
  const {server, pool} = await setup(t, {minIdle: 1, maxIdle: 4});
  const closed = once(server.accepted[0]!, 'close') as Promise<[number]>;
  server.accepted[0]!.send(Buffer.from('unasked'), {binary: true});
  assert.equal((await within(closed, 5000, 'the close'))[0], 1002);
  await eventually(() => pool.idleCount === 1 && server.opened.length === 2, 5000, 'a new idle websocket');
});

/** Groups attempt times into rounds (attempts less than 100 ms apart are one round). */
function rounds(times: number[]): number[] {
  const starts: number[] = [];
  for (const time of times) if (starts.length === 0 || time - starts.at(-1)! > 100) starts.push(time);
  return starts;
}

test('each refused request refuses one waiting take; the requests pause 200 ms, then 400 ms', async (t) => {
  const defer = deferrer(t);
  const attempts: number[] = [];
  const pool = new WebsocketPool(() => {
    attempts.push(performance.now());
    return Promise.reject(new Error(`refused ${attempts.length}`));
  });
  defer(() => pool.stop());
  const refused = pool.whenReady().then(
    () => 'ready',
    (error: Error) => error.message,
  );
  pool.start();
  assert.equal(await refused, 'refused 1');
  // Paused: this take waits for the next round, whose first refusal refuses it.
  await assert.rejects(within(pool.take(), 5000, 'the refusal'), /refused 2/);
  await eventually(() => rounds(attempts).length >= 3, 5000, 'three rounds of requests');
  const [first, second, third] = rounds(attempts) as [number, number, number];
  assert.ok(second - first >= 198 && second - first < 390, `first pause ${second - first} ms`);
  assert.ok(third - second >= 398 && third - second < 790, `second pause ${third - second} ms`);
  assert.equal(pool.lastError, `refused ${attempts.length}`);
});

test('a request that succeeds after refusals brings the pool back', async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  let refusals = 1;
  const pool = new WebsocketPool(() => (refusals-- > 0 ? Promise.reject(new Error('refused')) : server.requester()));
  defer(() => pool.stop());
  pool.start();
  await assert.rejects(pool.whenReady(), /refused/);
  const websocket = await within(pool.take(), 5000, 'a websocket once the exit side accepts');
  assert.equal(websocket.readyState, WebSocket.OPEN);
  assert.equal(pool.lastError, undefined);
});

test('stop(): idle websockets closed with 1000, waiters refused, websockets given back later closed', async (t) => {
  const {server, pool} = await setup(t, {minIdle: 1, maxIdle: 4});
  const busy = await within(pool.take(), 5000, 'a websocket');
  await eventually(() => pool.idleCount === 1, 5000, 'the refill');
  const codes = closeCodes(server.accepted);
  pool.stop();
  await assert.rejects(pool.take(), SupplyStoppedError);
  pool.giveBack(busy);
  await eventually(() => codes.size === 2, 5000, 'both closes');
  assert.deepEqual([...codes.values()], [1000, 1000]);
});

test('each websocket is watched while idle (a heartbeat), and no longer once taken or closed', async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  const watching = new Set<WebSocket>();
  const pool = new WebsocketPool(() => server.requester(), {
    minIdle: 2,
    maxIdle: 4,
    watchIdle: (websocket) => {
      watching.add(websocket);
      return () => watching.delete(websocket);
    },
  });
  defer(() => pool.stop());
  pool.start();
  await eventually(() => pool.idleCount === 2, 5000, 'two idle websockets');
  assert.equal(watching.size, 2);
  const taken = pool.takeIdle()!;
  assert.ok(!watching.has(taken), 'a busy websocket may rightly stop reading: not watched');
  pool.giveBack(taken);
  assert.ok(watching.has(taken), 'watched again once back');
  pool.stop();
  assert.equal(watching.size, 0);
});

test('impossible sizes are refused', () => {
  const requester = () => Promise.reject(new Error('unused'));
  for (const options of [{minIdle: 0}, {minIdle: 3, maxIdle: 2}, {minIdle: 1.5}, {idleTimeoutMs: 0}, {maxIdle: 4, maxUnused: 3}]) {
    assert.throws(() => new WebsocketPool(requester, options), InvalidPoolOptionsError, JSON.stringify(options));
  }
});
