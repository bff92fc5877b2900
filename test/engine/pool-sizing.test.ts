/** A pool's sizing fitted within an exit side's limit of websockets without a connection. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {sizedWithin} from '../../source/engine/pool-sizing.js';

test('the defaults within a large limit are kept; the limit becomes maxUnused', () => {
  assert.deepEqual(sizedWithin(512), {minIdle: 1, maxIdle: 256, maxUnused: 512});
});

test('a small limit lowers maxIdle, then minIdle; the idle time is kept', () => {
  assert.deepEqual(sizedWithin(4, {minIdle: 6, maxIdle: 16, idleTimeoutMs: 100}), {minIdle: 4, maxIdle: 4, idleTimeoutMs: 100, maxUnused: 4});
  assert.deepEqual(sizedWithin(1), {minIdle: 1, maxIdle: 1, maxUnused: 1});
});
