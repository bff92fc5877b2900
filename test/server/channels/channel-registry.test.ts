import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {ChannelRegistry} from '../../../source/server/channels/channel-registry.js';
import {statusOf} from '../../../source/server/http/error-status.js';
import {silentLogger} from '../../../source/engine/logger.js';
import {websocketPair} from '../../helpers/websockets.js';

const info = {clientVersion: '1.0.12', clientFeatures: [], remoteAddress: '127.0.0.1'};

test('ids count up from 1; an unknown id is a 404 naming it', () => {
  const registry = new ChannelRegistry(silentLogger);
  assert.deepEqual([registry.create(info).id, registry.create(info).id], [1, 2]);
  assert.throws(
    () => registry.get(3),
    (error: unknown) => statusOf(error) === 404 && error instanceof Error && error.message === 'Channel `3` was not found',
  );
  return registry.closeAll();
});

/** The registry's expiry timers do not hold the process; the test holds it while it waits. */
async function holdingTheLoop<T>(promise: Promise<T>): Promise<T> {
  const hold = setInterval(() => {}, 1000);
  try {
    return await promise;
  } finally {
    clearInterval(hold);
  }
}

test('a channel whose websocket never comes is dropped after the timeout', async () => {
  const registry = new ChannelRegistry(silentLogger, 50);
  const channel = registry.create(info);
  const [closed] = await holdingTheLoop(once(registry, 'channelClosed'));
  assert.equal(closed, channel);
  assert.deepEqual(registry.all(), []);
  assert.equal(channel.isClosed, true);
});

test('a connected channel is kept past the timeout, and dropped when its websocket closes', async (t) => {
  const registry = new ChannelRegistry(silentLogger, 50);
  const pair = await websocketPair();
  t.after(() => pair.close());
  const channel = registry.create(info);
  channel.attach(pair.server);
  // A second, unconnected channel expires after the first one's timeout has passed.
  const later = registry.create(info);
  const [expired] = await holdingTheLoop(once(registry, 'channelClosed'));
  assert.equal(expired, later);
  assert.deepEqual(registry.all(), [channel], 'the connected channel is still there');
  const closing = once(registry, 'channelClosed');
  pair.client.close(1000);
  assert.deepEqual(await closing, [channel]);
  assert.deepEqual(registry.all(), []);
});
