/**
 * The server's heartbeat of a tunnel's idle websockets (IdleLiveness): one sweep for all, pings
 * while they wait, death after two intervals of silence, nothing once they carry a connection.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import WebSocket from 'ws';
import {heartbeatSilenceMs} from '../../source/engine/heartbeat.js';
import {IdleLiveness} from '../../source/engine/idle-liveness.js';
import {eventually} from '../helpers/netunnel.js';
import {within} from '../helpers/streams.js';
import {websocketPair} from '../helpers/websockets.js';

function countPings(websocket: WebSocket): () => number {
  let seen = 0;
  websocket.on('ping', () => (seen += 1));
  return () => seen;
}

describe('IdleLiveness', () => {
  test('a peer that answers is kept and pinged; a silent one is terminated after two intervals, its silence recorded', async (t) => {
    const answering = await websocketPair();
    const silent = await websocketPair({autoPong: false});
    t.after(() => Promise.all([answering.close(), silent.close()]));
    const liveness = new IdleLiveness(100);
    const pings = countPings(answering.client);
    const started = Date.now();
    liveness.watch(answering.server);
    // The accepting side of `silent` answers no pings: its connecting side is the watched one.
    liveness.watch(silent.client);
    assert.equal(liveness.size, 2);
    const [code] = await within(once(silent.client, 'close'), 10_000, 'the silent one to be terminated');
    const elapsed = Date.now() - started;
    assert.equal(code, 1006, 'terminated, not closed politely');
    assert.ok(elapsed >= 195 && elapsed < 5000, `two intervals of silence: ${elapsed} ms`);
    assert.ok(heartbeatSilenceMs(silent.client)! >= 195, `recorded silence ${heartbeatSilenceMs(silent.client)} ms`);
    assert.equal(answering.server.readyState, WebSocket.OPEN);
    assert.ok(pings() >= 3, `pinged while idle: ${pings()} pings`);
    assert.equal(liveness.size, 1);
  });

  test('an unwatched websocket (carrying a connection) is neither pinged nor terminated; watched again, its silence counts from then', async (t) => {
    const carrying = await websocketPair({autoPong: false});
    const clock = await websocketPair({autoPong: false});
    t.after(() => Promise.all([carrying.close(), clock.close()]));
    const liveness = new IdleLiveness(100);
    const pings = countPings(carrying.server);
    const unwatch = liveness.watch(carrying.client);
    unwatch();
    // A silent, watched one is the clock: once it is terminated, the other had as long.
    liveness.watch(clock.client);
    await within(once(clock.client, 'close'), 10_000, 'the clock to be terminated');
    assert.equal(carrying.client.readyState, WebSocket.OPEN);
    assert.equal(pings(), 0);

    const rewatchedAt = Date.now();
    liveness.watch(carrying.client);
    await within(once(carrying.client, 'close'), 10_000, 'the idle again silent one to be terminated');
    assert.ok(Date.now() - rewatchedAt >= 195, 'two intervals from the new watch, not from the first');
  });

  test('the sweep stops at its first turn with nothing watched (not at each unwatch), and starts again with the next', async (t) => {
    const pair = await websocketPair();
    t.after(() => pair.close());
    const liveness = new IdleLiveness(50);
    const pings = countPings(pair.client);
    liveness.watch(pair.server)();
    assert.deepEqual([liveness.size, liveness.sweeping], [0, true]);
    await eventually(() => !liveness.sweeping, 5000, 'the sweep to stop');
    liveness.watch(pair.server);
    assert.equal(liveness.sweeping, true);
    await eventually(() => pings() >= 2, 5000, 'pings again');
  });

  test('a websocket that closes while watched leaves the watch', async (t) => {
    const pair = await websocketPair();
    t.after(() => pair.close());
    const liveness = new IdleLiveness(100);
    liveness.watch(pair.server);
    const closed = once(pair.server, 'close');
    pair.client.close(1000);
    await within(closed, 5000, 'the close');
    assert.equal(liveness.size, 0);
  });
});
