/**
 * Ink's conversion of a line into styled characters is kept across frames: two frames (two of
 * Ink's Output objects) get the very same conversion of a line, and what they draw is unchanged.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {keepInkLineCache} from '../../../source/console/tui/ink-line-cache.js';

interface InkOutput {
  caches: {getStyledChars(line: string): unknown[]};
  write(x: number, y: number, text: string, options: {transformers: unknown[]}): void;
  get(): {output: string; height: number};
}

async function inkOutputClass(): Promise<new (options: {width: number; height: number}) => InkOutput> {
  const entry = createRequire(import.meta.url).resolve('ink');
  return ((await import(pathToFileURL(join(dirname(entry), 'output.js')).href)) as {default: new (options: {width: number; height: number}) => InkOutput}).default;
}

test("a line's styled characters are kept from one frame to the next, and frames draw the same", async () => {
  const Output = await inkOutputClass();
  const line = '\u001b[32m 1/1 \u001b[39m fwd 127.0.0.1:4022 \u001b[7m▶\u001b[27m';
  const draw = () => {
    const output = new Output({width: 40, height: 2});
    output.write(0, 0, `${line}\nsecond line`, {transformers: []});
    return output.get();
  };
  const before = draw();
  // Ink's own cache lasts one frame: another frame converts the line again.
  assert.notEqual(new Output({width: 1, height: 1}).caches.getStyledChars(line), new Output({width: 1, height: 1}).caches.getStyledChars(line));

  assert.equal(await keepInkLineCache(), true);
  assert.equal(await keepInkLineCache(), true, 'a second call changes nothing');
  const first = new Output({width: 1, height: 1}).caches.getStyledChars(line);
  assert.equal(new Output({width: 1, height: 1}).caches.getStyledChars(line), first);
  assert.deepEqual(draw(), before);
  assert.deepEqual(draw(), before);
});

test('the kept lines are bounded: the oldest is converted again once the limit is passed', async () => {
  const Output = await inkOutputClass();
  assert.equal(await keepInkLineCache(), true);
  const caches = () => new Output({width: 1, height: 1}).caches;
  const oldest = caches().getStyledChars('the oldest line of all');
  for (let index = 0; index < 5000; index += 1) caches().getStyledChars(`line ${index}`);
  assert.notEqual(caches().getStyledChars('the oldest line of all'), oldest);
  assert.deepEqual(caches().getStyledChars('the oldest line of all'), oldest);
});
