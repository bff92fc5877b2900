/** Latency samples: percentiles over the window, and the per-second medians of a sparkline, on a clock of the test's. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {HISTORY_SECONDS, LatencySamples, MAX_SAMPLES, SAMPLE_WINDOW_MS} from '../../source/engine/latency-samples.js';

function clock(start: number) {
  const time = {now: start};
  return {time, now: () => time.now};
}

test('p50 and p90 are samples of the window (nearest rank); none gives nulls', () => {
  const {now} = clock(1_000_000);
  const samples = new LatencySamples(now);
  assert.deepEqual(samples.percentiles(), {p50: null, p90: null});
  for (const ms of [10, 1, 9, 2, 8, 3, 7, 4, 6, 5]) samples.add(ms);
  assert.deepEqual(samples.percentiles(), {p50: 5, p90: 9});
  samples.add(100);
  assert.deepEqual(samples.percentiles(), {p50: 6, p90: 10}, 'a new sample counts at once');
});

test('samples older than the window no longer count, and at most MAX_SAMPLES (the newest) do', () => {
  const {time, now} = clock(1_000_000);
  const samples = new LatencySamples(now);
  samples.add(1000);
  time.now += SAMPLE_WINDOW_MS - 1;
  samples.add(1);
  assert.deepEqual(samples.percentiles(), {p50: 1, p90: 1000});
  time.now += 2;
  assert.deepEqual(samples.percentiles(), {p50: 1, p90: 1}, 'the first sample left the window');
  for (let index = 0; index < MAX_SAMPLES; index += 1) samples.add(7);
  assert.deepEqual(samples.percentiles(), {p50: 7, p90: 7}, 'the oldest sample made room');
});

test('the history holds the median of each of the last whole seconds, oldest first, null for a quiet second', () => {
  const {time, now} = clock(5_000_000);
  const samples = new LatencySamples(now);
  assert.deepEqual(samples.history(), new Array(HISTORY_SECONDS).fill(null));
  for (const ms of [3, 1, 2]) samples.add(ms);
  assert.deepEqual(samples.history(), new Array(HISTORY_SECONDS).fill(null), 'the second under way is not in it');
  time.now += 1000;
  samples.add(40);
  time.now += 2000;
  samples.add(50);
  samples.add(60);
  time.now += 1000;
  const history = samples.history();
  assert.equal(history.length, HISTORY_SECONDS);
  assert.deepEqual(history.slice(-4), [2, 40, null, 50]);
  time.now += (HISTORY_SECONDS - 1) * 1000;
  assert.deepEqual(samples.history().slice(-HISTORY_SECONDS), [50, ...new Array(HISTORY_SECONDS - 1).fill(null)], 'older seconds scrolled out');
  time.now += 1000;
  assert.deepEqual(samples.history(), new Array(HISTORY_SECONDS).fill(null));
});

test('a busy second keeps a uniform sample of its values for the median', () => {
  const {time, now} = clock(7_000_000);
  const samples = new LatencySamples(now);
  for (let index = 0; index < 10_000; index += 1) samples.add(index % 2 === 0 ? 1 : 3);
  time.now += 1000;
  const median = samples.history().at(-1);
  assert.ok(median === 1 || median === 3, `median ${median} is one of the values`);
});
