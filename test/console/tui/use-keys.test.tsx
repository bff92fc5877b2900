/** Every key of a read acts, in order, each seeing what the one before changed; routed by priority. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {Text} from 'ink';
import {useState} from 'react';
import {LineInput} from '../../../source/console/tui/line-input.js';
import {KEY_PRIORITY, KeysProvider, useKeys} from '../../../source/console/tui/use-keys.js';
import {KEYS, press, renderThemed, waitForFrame} from '../../helpers/ink.js';

/** Counts j, Down and Tab from its own state (a handler that reads a stale state counts once per read). */
function Counter() {
  const [counts, setCounts] = useState({j: 0, down: 0, tab: 0});
  useKeys((input, key) => {
    if (input === 'j') setCounts({...counts, j: counts.j + 1});
    else if (key.downArrow) setCounts({...counts, down: counts.down + 1});
    else if (key.tab) setCounts({...counts, tab: counts.tab + 1});
    else return false;
    return true;
  });
  return <Text>{`j=${counts.j} down=${counts.down} tab=${counts.tab}`}</Text>;
}

function Field() {
  const [value, setValue] = useState('abcdef');
  return (
    <Text>
      {'field: '}
      <LineInput value={value} onChange={setValue} focused />
      {` (${value})`}
    </Text>
  );
}

describe('useKeys', () => {
  it('acts on every key of one read: jjj, Down Down Down, Tab Tab', async () => {
    const instance = renderThemed(
      <KeysProvider>
        <Counter />
      </KeysProvider>,
    );
    try {
      await waitForFrame(instance, /j=0 down=0 tab=0/);
      await press(instance, 'jjj', /j=3 down=0 tab=0/);
      await press(instance, KEYS.down.repeat(3), /j=3 down=3 tab=0/);
      await press(instance, '\t\t', /j=3 down=3 tab=2/);
      // Keys of two reads in a row, the second before the first is drawn.
      instance.stdin.write('jj');
      instance.stdin.write(KEYS.down);
      await waitForFrame(instance, /j=5 down=4 tab=2/);
    } finally {
      instance.unmount();
    }
  });

  it('three Backspaces in one read delete three characters, a paste inserts all of it', async () => {
    const instance = renderThemed(
      <KeysProvider>
        <Field />
      </KeysProvider>,
    );
    try {
      await waitForFrame(instance, /\(abcdef\)/);
      await press(instance, KEYS.backspace.repeat(3), /\(abc\)$/);
      await press(instance, 'xyz 中文', /\(abcxyz 中文\)$/);
    } finally {
      instance.unmount();
    }
  });

  it('outside a provider too, and a taken key does not reach the handlers below', async () => {
    const alone = renderThemed(<Counter />);
    try {
      await waitForFrame(alone, /j=0/);
      await press(alone, 'jjjj', /j=4/);
    } finally {
      alone.unmount();
    }
    const seen: string[] = [];
    function Layers() {
      useKeys((input) => void seen.push(`panes ${input}`), {priority: KEY_PRIORITY.panes});
      useKeys((input) => {
        seen.push(`modal ${input}`);
        return input === 'a';
      }, {priority: KEY_PRIORITY.modal});
      return <Text>layers</Text>;
    }
    const layered = renderThemed(
      <KeysProvider>
        <Layers />
      </KeysProvider>,
    );
    try {
      await waitForFrame(layered, /layers/);
      layered.stdin.write('ab');
      const deadline = Date.now() + 2000;
      while (seen.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.deepEqual(seen, ['modal a', 'modal b', 'panes b']);
    } finally {
      layered.unmount();
    }
  });
});
