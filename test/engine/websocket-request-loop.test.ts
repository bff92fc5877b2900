/**
 * WebsocketRequestLoop, the asking shared by the classic supply and the stream pool: counts in
 * flight, failures handed over with one growing pause at a time, the success that resets it.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type WebSocket from 'ws';
import {WebsocketRequestLoop} from '../../source/engine/websocket-request-loop.js';
import {FIRST_RETRY_MS} from '../../source/engine/retry-backoff.js';
import {eventually} from '../helpers/netunnel.js';
import {websocketPair} from '../helpers/websockets.js';

function recordingOwner() {
  const events: string[] = [];
  const received: WebSocket[] = [];
  return {
    events,
    received,
    owner: {
      received: (websocket: WebSocket) => {
        received.push(websocket);
        events.push('received');
      },
      failed: (error: Error) => events.push(`failed: ${error.message}`),
      pauseOver: () => events.push('pause over'),
    },
  };
}

describe('WebsocketRequestLoop', () => {
  test('failures in a row: each is handed over, one pause for all of them, then the owner asks again; a success clears the last error', async (t) => {
    const pair = await websocketPair();
    t.after(() => pair.close());
    let refuse = true;
    const {events, received, owner} = recordingOwner();
    const loop = new WebsocketRequestLoop(() => (refuse ? Promise.reject(new Error('refused by the exit')) : Promise.resolve(pair.client)), owner);
    t.after(() => loop.stop());
    const started = Date.now();
    loop.request();
    loop.request();
    assert.equal(loop.inFlight, 2);
    await eventually(() => events.length === 2, 5000, 'both failures');
    assert.deepEqual(events, ['failed: refused by the exit', 'failed: refused by the exit']);
    assert.deepEqual([loop.inFlight, loop.paused, loop.lastError], [0, true, 'refused by the exit']);
    await eventually(() => events.length === 3, 5000, 'the end of the pause');
    assert.equal(events[2], 'pause over', 'one pause, not one per failure');
    assert.ok(Date.now() - started >= FIRST_RETRY_MS / 2, `paused ${Date.now() - started} ms`);
    assert.equal(loop.paused, false);

    refuse = false;
    loop.request();
    await eventually(() => received.length === 1, 5000, 'the websocket');
    assert.equal(received[0], pair.client);
    assert.deepEqual([loop.inFlight, loop.paused, loop.lastError], [0, false, undefined]);
  });

  test('stopped: a failure is still handed over, but no pause follows', async () => {
    const {events, owner} = recordingOwner();
    let fail!: (error: Error) => void;
    const loop = new WebsocketRequestLoop(() => new Promise<WebSocket>((_, reject) => (fail = reject)), owner);
    loop.request();
    loop.stop();
    fail(new Error('too late'));
    await eventually(() => events.length === 1, 5000, 'the failure');
    assert.deepEqual([events, loop.paused], [['failed: too late'], false]);
  });
});
