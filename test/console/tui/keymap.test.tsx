/** One keymap: no key means two things in a pane, and the help overlay is generated from it. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import type {Key} from 'ink';
import {HelpOverlay, helpLines} from '../../../source/console/tui/help-overlay.js';
import {KEYMAP, MODAL_KEYMAP, PANES, bindingFor, helpSections, isQuitKey, keyBarEntries, modalActionFor, modalKeyBar, type ModalKind} from '../../../source/console/tui/keymap.js';
import {plain, renderThemed, waitForFrame, widthOf} from '../../helpers/ink.js';

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
} as Key;

const PROBES: Array<[string, Partial<Key>]> = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789?/[]'.split('').map((input): [string, Partial<Key>] => [input, {}]),
  ['', {tab: true}], ['', {tab: true, shift: true}], ['', {upArrow: true}], ['', {downArrow: true}], ['', {return: true}],
  ['', {escape: true}], ['', {pageUp: true}], ['', {pageDown: true}], ['', {home: true}], ['', {end: true}], ['c', {ctrl: true}],
];

describe('keymap', () => {
  it('gives every key at most one meaning per pane', () => {
    for (const pane of PANES) {
      for (const [input, key] of PROBES) {
        const matching = KEYMAP.filter((binding) => (!binding.panes || binding.panes.includes(pane)) && binding.matches(input, {...NO_KEY, ...key}));
        assert.ok(matching.length <= 1, `${JSON.stringify([input, key])} in ${pane}: ${matching.map((binding) => binding.action).join(', ')}`);
      }
    }
  });

  it('has the keys of DESIGN.md', () => {
    const action = (input: string, key: Partial<Key> = {}, pane: (typeof PANES)[number] = 'tunnels') => bindingFor(input, {...NO_KEY, ...key}, pane)?.action;
    assert.equal(action('', {tab: true}), 'nextPane');
    assert.equal(action('', {tab: true, shift: true}), 'previousPane');
    assert.equal(action('j'), 'down');
    assert.equal(action('k'), 'up');
    assert.equal(action('3'), 'selectServer');
    assert.equal(action('['), 'previousServer');
    assert.equal(action(']'), 'nextServer');
    assert.equal(action('', {return: true}), 'details');
    assert.equal(action('n'), 'newTunnel');
    assert.equal(action('d'), 'delete');
    assert.equal(action('d', {}, 'peers'), 'delete');
    assert.equal(action('d', {}, 'channels'), undefined);
    assert.equal(action('p', {}, 'peers'), 'newPeer');
    assert.equal(action('s', {}, 'peers'), 'newStaticTunnel');
    assert.equal(action('x', {}, 'channels'), 'disconnect');
    assert.equal(action('a'), 'addServer');
    assert.equal(action('/'), 'filter');
    assert.equal(action('q'), 'quit');
    assert.equal(action('c', {ctrl: true}), 'quit');
    assert.equal(action('?'), 'help');
    assert.equal(action('d', {}, 'connections'), 'closeConnection');
    assert.equal(action('r', {}, 'connections'), 'drain');
    assert.equal(action('r', {}, 'tunnels'), 'drain');
    assert.equal(action('y', {}, 'connections'), 'copy');
    assert.equal(action('y', {}, 'events'), 'copy');
    // One pair for every pane that has columns (the Events pane is a timeline).
    for (const pane of ['channels', 'tunnels', 'connections', 'peers'] as const) {
      assert.equal(action('o', {}, pane), 'sortColumn', pane);
      assert.equal(action('O', {}, pane), 'sortFlip', pane);
    }
  });

  it('puts every binding in the help, and the key bar names keys of the pane only', () => {
    const rows = helpSections().flatMap((section) => section.rows);
    const rowIds = new Set(KEYMAP.map((binding) => binding.row));
    assert.equal(rows.length, rowIds.size);
    for (const row of rows) assert.ok(row.keys !== '' && row.help !== '');
    assert.deepEqual(keyBarEntries('channels').map((entry) => entry.keys), ['n', 'x', '?', 'q', 'Tab', 'Enter', '/']);
    assert.deepEqual(keyBarEntries('peers').map((entry) => entry.keys), ['n', 'd', 'p', 'r', 's', '?', 'q', 'Tab', 'Enter', '/']);
  });
});

describe('modal keymap', () => {
  const KINDS = Object.keys(MODAL_KEYMAP) as ModalKind[];
  const probes: Array<[string, Partial<Key>]> = [...PROBES, [' ', {}], ['', {leftArrow: true}], ['', {rightArrow: true}]];

  it('gives every key at most one meaning in each modal view', () => {
    for (const kind of KINDS) {
      for (const [input, key] of probes) {
        const matching = MODAL_KEYMAP[kind].filter((binding) => binding.matches(input, {...NO_KEY, ...key}));
        assert.ok(matching.length <= 1, `${JSON.stringify([input, key])} in ${kind}: ${matching.map((binding) => binding.action).join(', ')}`);
      }
    }
  });

  it("drives each modal view's key bar and its keys", () => {
    assert.deepEqual(Object.fromEntries(KINDS.map((kind) => [kind, modalKeyBar(kind).map(({keys, label}) => `${keys} ${label}`)])), {
      filter: ['Enter keep filter', 'Esc clear filter'],
      help: ['Esc close', 'j/k scroll'],
      details: ['Esc back', 'Up/Dn previous / next row'],
      form: ['Enter submit', 'Tab next field', 'Esc cancel'],
      confirm: ['y yes', 'n no'],
    });
    const press = (kind: ModalKind, input: string, key: Partial<Key> = {}) => modalActionFor(kind, input, {...NO_KEY, ...key});
    assert.deepEqual(
      [press('form', '', {tab: true, shift: true}), press('form', '', {downArrow: true}), press('form', ' '), press('form', 'x')],
      ['previousField', 'nextField', 'changeChoice', undefined],
    );
    assert.deepEqual([press('confirm', 'Y'), press('confirm', 'q'), press('confirm', '', {escape: true}), press('confirm', 'x')], ['yes', 'no', 'no', undefined]);
    assert.deepEqual([press('help', '?'), press('help', ' '), press('details', 'k'), press('filter', '', {return: true})], ['close', 'pageDown', 'previousRow', 'keepFilter']);
    assert.deepEqual([isQuitKey('c', {...NO_KEY, ctrl: true}), isQuitKey('c', NO_KEY)], [true, false]);
  });
});

describe('help overlay', () => {
  it('fits 80x24 in two columns without scrolling, every row of the keymap in it', async () => {
    const columns = helpLines(80, false);
    assert.equal(columns.length, 2);
    const instance = renderThemed(<HelpOverlay width={80} height={19} onClose={() => {}} />);
    try {
      const frame = await waitForFrame(instance, /Keys/);
      const lines = frame.split('\n');
      assert.equal(lines.length, 19);
      for (const line of lines) assert.ok(widthOf(line) <= 80, line);
      assert.doesNotMatch(lines[0]!, /scroll/);
      for (const row of helpSections().flatMap((section) => section.rows)) {
        assert.ok(frame.includes(row.keys) && frame.includes(row.help), `${row.keys} ${row.help}`);
      }
    } finally {
      instance.unmount();
    }
  });

  it('scrolls when short, and is ASCII with --ascii', async () => {
    const instance = renderThemed(<HelpOverlay width={50} height={8} onClose={() => {}} />, {color: false, ascii: true});
    try {
      const frame = await waitForFrame(instance, /Keys/);
      assert.match(frame.split('\n')[0]!, /j\/k scroll/);
      assert.equal(/[^\x00-\x7f]/.test(frame), false);
      assert.match(frame, /Up Dn k j/);
      instance.stdin.write('j');
      await waitForFrame(instance, (next) => next !== frame);
      assert.equal(plain(instance.lastFrame()).split('\n').length, 8);
    } finally {
      instance.unmount();
    }
  });
});
