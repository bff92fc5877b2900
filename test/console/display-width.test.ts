/** Terminal columns of text: wide characters two, marks none, emoji two. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {clustersOf, displayWidth} from '../../source/console/display-width.js';

describe('displayWidth', () => {
  it('counts columns, not UTF-16 units or code points', () => {
    const cases: Array<[string, number]> = [
      ['', 0],
      ['peer-1', 6],
      ['東京', 4],
      ['한국', 4],
      ['ｶﾀｶﾅ', 4],
      ['é', 1],
      ['e\u0301', 1],
      ['👩‍💻', 2],
      ['🇫🇷', 2],
      ['a\u200bb', 2],
      ['→●★', 3],
    ];
    for (const [text, width] of cases) assert.equal(displayWidth(text), width, JSON.stringify(text));
  });

  it('splits text into the clusters a terminal draws, with their widths', () => {
    assert.deepEqual(clustersOf('a東e\u0301'), [
      {cluster: 'a', width: 1},
      {cluster: '東', width: 2},
      {cluster: 'e\u0301', width: 1},
    ]);
  });
});
