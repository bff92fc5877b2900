/** The classic pre-feeding (PROTOCOL.md 3.3) over real websockets: one spare, one per waiter, retries. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {performance} from 'node:perf_hooks';
import WebSocket from 'ws';
import {WebsocketSupply} from '../../source/engine/websocket-supply.js';
import {SupplyStoppedError} from '../../source/engine/engine-errors.js';
import {FIRST_RETRY_MS} from '../../source/engine/retry-backoff.js';
import {deferrer} from '../helpers/cleanup.js';
import {within} from '../helpers/streams.js';
import {eventually} from '../helpers/netunnel.js';
import {startWebsocketServer} from '../helpers/websocket-server.js';

test('one spare is kept; waiters get one websocket each, then the spare is back', async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  const supply = new WebsocketSupply(() => server.requester());
  defer(() => supply.stop());
  supply.start();
  await within(supply.whenReady(), 5000, 'the first spare');
  assert.equal(server.opened.length, 1);
  const taken = await within(Promise.all([supply.take(), supply.take(), supply.take()]), 5000, 'three websockets');
  assert.equal(new Set(taken).size, 3, 'each caller has its own websocket');
  for (const websocket of taken) assert.equal(websocket.readyState, WebSocket.OPEN);
  await eventually(() => supply.idleCount === 1, 5000, 'the spare to be back');
  assert.equal(server.opened.length, 4, 'the first spare, one per waiter, and the new spare: no more');
});

test('take() hands the ready websocket over before the replacement is asked for', async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  let requests = 0;
  const supply = new WebsocketSupply(() => {
    requests += 1;
    return server.requester();
  });
  defer(() => supply.stop());
  supply.start();
  await within(supply.whenReady(), 5000, 'the first spare');
  const requestsWhenHandedOver = await supply.take().then(() => requests);
  assert.equal(requestsWhenHandedOver, 1, 'the replacement was requested before the caller had its websocket');
  await eventually(() => supply.idleCount === 1, 5000, 'the replacement');
  assert.equal(requests, 2);
});

test('a refusing exit side is asked again after 200 ms, then 400 ms; waiting connections are refused meanwhile', async (t) => {
  const defer = deferrer(t);
  const attempts: number[] = [];
  const supply = new WebsocketSupply(() => {
    attempts.push(performance.now());
    return Promise.reject(new Error(`refused ${attempts.length}`));
  });
  defer(() => supply.stop());
  const refused = supply.whenReady().then(
    () => assert.fail('no websocket can be ready'),
    (error: Error) => error.message,
  );
  supply.start();
  assert.equal(await refused, 'refused 1');
  await eventually(() => attempts.length >= 3, 5000, 'three attempts');
  const [first, second, third] = attempts as [number, number, number];
  // Lower bounds are the delays themselves (timers never fire early by more than a clock tick);
  // upper bounds tell a wrong delay from a late timer on a busy machine.
  assert.ok(second - first >= FIRST_RETRY_MS - 2 && second - first < 2 * FIRST_RETRY_MS - 10, `first pause: ${second - first} ms`);
  assert.ok(third - second >= 2 * FIRST_RETRY_MS - 2 && third - second < 4 * FIRST_RETRY_MS - 10, `second pause: ${third - second} ms`);
  assert.equal(supply.lastError, 'refused 3');
});

test('stop() refuses waiters and closes the spare', async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  const supply = new WebsocketSupply(() => server.requester());
  supply.start();
  await within(supply.whenReady(), 5000, 'the first spare');
  const spare = server.opened[0]!;
  const closed = new Promise<number>((resolve) => spare.once('close', (code: number) => resolve(code)));
  supply.stop();
  assert.equal(await within(closed, 5000, 'the close of the spare'), 1000);
  await assert.rejects(supply.take(), SupplyStoppedError);
});
