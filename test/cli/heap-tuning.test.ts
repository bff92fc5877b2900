import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {heapGrowingPercentGiven} from '../../source/cli/heap-tuning.js';

const execFileAsync = promisify(execFile);

test("the heap tuning leaves a user's own --heap-growing-percent alone, in either spelling", () => {
  assert.equal(heapGrowingPercentGiven([]), false);
  assert.equal(heapGrowingPercentGiven(['--import', 'tsx', '--max-old-space-size=512']), false);
  assert.equal(heapGrowingPercentGiven(['--expose-gc', '--heap-growing-percent=50']), true);
  assert.equal(heapGrowingPercentGiven(['--heap_growing_percent=50']), true);
  assert.equal(heapGrowingPercentGiven(['--heap-growing-percentage=1']), false, 'another flag that merely starts the same');
});

test('a command run with --heap-growing-percent sees it in its execArgv (what the check reads)', async () => {
  const {stdout} = await execFileAsync(process.execPath, ['--heap-growing-percent=0', '-e', 'process.stdout.write(JSON.stringify(process.execArgv))']);
  assert.equal(heapGrowingPercentGiven(JSON.parse(stdout) as string[]), true);
});
