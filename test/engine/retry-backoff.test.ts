import {test} from 'node:test';
import assert from 'node:assert/strict';
import {RetryBackoff, backoffDelay} from '../../source/engine/retry-backoff.js';

test('pauses of 200 ms, doubling up to 5 s, back to 200 ms after a success', () => {
  const backoff = new RetryBackoff();
  assert.deepEqual(
    Array.from({length: 8}, () => backoff.next()),
    [200, 400, 800, 1600, 3200, 5000, 5000, 5000],
  );
  backoff.reset();
  assert.equal(backoff.next(), 200);
});

test('a policy of its own: min, max and factor; jitter spreads each pause by up to that fraction either way', () => {
  const exact = new RetryBackoff({minMs: 10, maxMs: 100, factor: 3});
  assert.deepEqual(Array.from({length: 5}, () => exact.next()), [10, 30, 90, 100, 100]);
  const lowest = new RetryBackoff({minMs: 1000, maxMs: 1000, jitter: 0.25}, () => 0);
  const highest = new RetryBackoff({minMs: 1000, maxMs: 1000, jitter: 0.25}, () => 1);
  assert.deepEqual([lowest.next(), highest.next()], [750, 1250]);
});

test('backoffDelay: the pause before the n-th retry in a row, the first after a success (0) as the first retry', () => {
  const policy = {minMs: 500, maxMs: 10_000};
  assert.deepEqual([0, 1, 2, 3, 6].map((retry) => backoffDelay(policy, retry)), [500, 500, 1000, 2000, 10_000]);
  assert.equal(backoffDelay({...policy, jitter: 0.2}, 2, () => 0.5), 1000, 'a random value in the middle: no change');
});
