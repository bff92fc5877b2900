import {test} from 'node:test';
import assert from 'node:assert/strict';
import {RetryBackoff} from '../../source/engine/retry-backoff.js';

test('pauses of 200 ms, doubling up to 5 s, back to 200 ms after a success', () => {
  const backoff = new RetryBackoff();
  assert.deepEqual(
    Array.from({length: 8}, () => backoff.next()),
    [200, 400, 800, 1600, 3200, 5000, 5000, 5000],
  );
  backoff.reset();
  assert.equal(backoff.next(), 200);
});
