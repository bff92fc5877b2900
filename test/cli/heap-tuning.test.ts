import {test} from 'node:test';
import assert from 'node:assert/strict';
import {heapGrowingPercentGiven} from '../../source/cli/heap-tuning.js';

test("the heap tuning leaves a user's own --heap-growing-percent alone, in either spelling and place", () => {
  assert.equal(heapGrowingPercentGiven([], undefined), false);
  assert.equal(heapGrowingPercentGiven(['--import', 'tsx', '--max-old-space-size=512'], '--trace-warnings'), false);
  assert.equal(heapGrowingPercentGiven(['--heap-growing-percent=50'], undefined), true);
  assert.equal(heapGrowingPercentGiven(['--heap_growing_percent=50'], undefined), true);
  assert.equal(heapGrowingPercentGiven([], '--max-old-space-size=512 --heap-growing-percent=0'), true);
  assert.equal(heapGrowingPercentGiven(['--heap-growing-percentage=1'], undefined), false, 'another flag that merely starts the same');
});
