/** Closing websockets normally within a time limit: what was sent goes first, a silent peer is cut. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {closeWebsocketsWithin} from '../../source/engine/websocket-close.js';
import {deferrer} from '../helpers/cleanup.js';
import {randomPayload} from '../helpers/tcp.js';
import {receiveBinary, websocketPair} from '../helpers/websockets.js';
import {within} from '../helpers/streams.js';

test('every websocket gets a normal close after what it still had to send; none has to be cut', async (t) => {
  const defer = deferrer(t);
  const pairs = await Promise.all([websocketPair(), websocketPair()]);
  for (const pair of pairs) defer(() => pair.close());
  const payload = randomPayload(2_000_000);
  const received = receiveBinary(pairs[0]!.client, payload.length);
  const closes = pairs.map((pair) => once(pair.client, 'close') as Promise<[number, Buffer]>);
  pairs[0]!.server.send(payload, {binary: true});
  assert.equal(await closeWebsocketsWithin(pairs.map((pair) => pair.server), 5_000, 1000, 'shutting down'), 0);
  assert.ok((await received).equals(payload));
  for (const [code, reason] of await Promise.all(closes)) assert.deepEqual([code, reason.toString()], [1000, 'shutting down']);
});

test('a peer that never answers the close is cut once the time is up', async (t) => {
  const pair = await websocketPair();
  deferrer(t)(() => pair.close());
  // The client stops reading: the close frame is never read, so never answered.
  pair.client.pause();
  const started = Date.now();
  assert.equal(await closeWebsocketsWithin([pair.server], 300), 1);
  const took = Date.now() - started;
  assert.ok(took >= 290 && took < 3_000, `${took} ms`);
  await within(once(pair.server, 'close'), 10_000, "pair.server to emit 'close'");
  assert.equal(await closeWebsocketsWithin([pair.server], 300), 0, 'a closed websocket is left alone');
});
