/** Sizes in decimal units, text cut, padded and wrapped to terminal columns. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {displayWidth, fit, formatBytes, formatRate, truncate, wrapWords} from '../../source/console/format.js';

describe('formatBytes and formatRate', () => {
  it('use powers of 1000 with SI labels, at most three digits', () => {
    const cases: Array<[number, string]> = [
      [0, '0 B'],
      [999, '999 B'],
      [1000, '1.0 kB'],
      [1024, '1.0 kB'],
      [9_949, '9.9 kB'],
      [10_000, '10 kB'],
      [146_000, '146 kB'],
      [999_499, '999 kB'],
      [999_500, '1.0 MB'],
      [1_500_000, '1.5 MB'],
      [268_000_000, '268 MB'],
      [2_000_000_000, '2.0 GB'],
    ];
    for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text, String(bytes));
    assert.equal(formatRate(960_000), '960 kB/s');
    assert.equal(formatRate(0), '-');
  });
});

describe('truncate and fit', () => {
  it('cut and pad to columns, wide characters counted twice', () => {
    assert.equal(truncate('connecting', 10), 'connecting');
    assert.equal(truncate('connecting', 9), 'connecti…');
    assert.equal(truncate('connecting', 9, true), 'connecti~');
    assert.equal(truncate('東京-大阪', 5), '東京…');
    assert.equal(truncate('東京-大阪', 4), '東…');
    assert.equal(fit('東京', 6), '東京  ');
    assert.equal(fit('東京', 6, 'right'), '  東京');
    assert.equal(displayWidth(fit('東京大阪名古屋', 7)), 7);
  });
});

describe('wrapWords', () => {
  it('breaks between words, a word longer than a line where it must', () => {
    assert.deepEqual(wrapWords('Address 10.1.1.1 is not allowed as a tunnel destination', 20), [
      'Address 10.1.1.1 is',
      'not allowed as a',
      'tunnel destination',
    ]);
    assert.deepEqual(wrapWords('see http://127.0.0.1:4040/very/long/path', 12), ['see', 'http://127.0', '.0.1:4040/ve', 'ry/long/path']);
    assert.deepEqual(wrapWords('東京 大阪 名古屋', 7), ['東京', '大阪', '名古屋']);
  });

  it('keeps at most maxLines, the last one saying that more was cut', () => {
    assert.deepEqual(wrapWords('one two three four five six', 9, 2), ['one two', 'three fo…']);
    assert.deepEqual(wrapWords('one two', 9, 2), ['one two']);
    assert.deepEqual(wrapWords('', 9), []);
  });
});
