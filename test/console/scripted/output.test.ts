/** The scripted mode's plain tables (piped output): columns aligned in terminal columns, wide characters included. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {renderPlain} from '../../../source/console/scripted/output.js';

describe('renderPlain', () => {
  it('aligns the columns after a CJK name or an emoji (two columns each)', () => {
    const text = renderPlain(
      [{header: 'NAME'}, {header: 'URL'}, {header: 'TUNNELS', align: 'right'}],
      [
        ['東京', 'http://10.0.0.1:4040', '1'],
        ['lab 🚀', 'http://10.0.0.2:4040', '12'],
        ['osaka', 'http://10.0.0.3:4040', '3'],
      ],
    );
    assert.equal(
      text,
      [
        'NAME    URL                   TUNNELS',
        '東京    http://10.0.0.1:4040        1',
        'lab 🚀  http://10.0.0.2:4040       12',
        'osaka   http://10.0.0.3:4040        3',
        '',
      ].join('\n'),
    );
  });
});
