/** A read of several keys split into keys, each as Ink describes that key read alone. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {Text, useInput, type Key} from 'ink';
import {render} from 'ink-testing-library';
import {keyPressOf, splitKeys, type KeyPress} from '../../../source/console/tui/key-sequence.js';
import {waitForFrame} from '../../helpers/ink.js';

/** What Ink's own useInput reports for `sequence` written alone. */
async function inkReads(sequence: string): Promise<KeyPress> {
  let seen: KeyPress | undefined;
  function Probe() {
    useInput((input: string, key: Key) => {
      seen = {input, key};
    });
    return <Text>ready</Text>;
  }
  const instance = render(<Probe />);
  try {
    await waitForFrame(instance, /ready/);
    instance.stdin.write(sequence);
    const deadline = Date.now() + 2000;
    while (!seen) {
      if (Date.now() > deadline) throw new Error(`Ink reported nothing for ${JSON.stringify(sequence)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return seen;
  } finally {
    instance.unmount();
  }
}

const pick = ({input, key}: KeyPress) => ({input, key: Object.fromEntries(Object.entries(key).filter(([name]) => name !== 'eventType'))});

describe('keyPressOf', () => {
  for (const character of ['j', 'G', '5', ' ', '/', '\r', '\n', '\t', '\b', '\u007f', '\u0003', '\u0015', 'é', '中']) {
    it(`describes ${JSON.stringify(character)} as Ink does`, async () => {
      assert.deepEqual(pick(keyPressOf(character)), pick(await inkReads(character)));
    });
  }
});

describe('splitKeys', () => {
  const plain = keyPressOf('x').key;

  it('splits a run of characters into its keys, in order', () => {
    assert.deepEqual(
      splitKeys('jjj', plain).map((press) => press.input),
      ['j', 'j', 'j'],
    );
    assert.deepEqual(splitKeys('\t\t', plain), [keyPressOf('\t'), keyPressOf('\t')]);
    assert.deepEqual(splitKeys('\u007f\u007f\u007f', plain), [keyPressOf('\u007f'), keyPressOf('\u007f'), keyPressOf('\u007f')]);
    assert.deepEqual(splitKeys('ab\r\n', plain).map((press) => press.input), ['a', 'b', '\r', '\n']);
  });

  it('keeps a key Ink named, and a cluster that draws as one character, whole', () => {
    const down = {...plain, downArrow: true};
    assert.deepEqual(splitKeys('', down), [{input: '', key: down}]);
    assert.deepEqual(splitKeys('j', plain), [{input: 'j', key: plain}]);
    assert.deepEqual(splitKeys('👩‍💻', plain), [{input: '👩‍💻', key: plain}]);
    assert.deepEqual(splitKeys('e\u0301x', plain).map((press) => press.input), ['e\u0301', 'x']);
  });
});
