/**
 * Text laid out by terminal columns, never cut where it matters: counters of any size, the
 * longest status, wide characters (CJK, emoji: two columns each) in the tables, form texts
 * and refusals wrapped by whole words, a status message in fewer words when it does not fit.
 */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ServerRefusedError} from '../../../source/client/client-errors.js';
import {emptyServerView, type ServerView} from '../../../source/console/store.js';
import {StatusLine} from '../../../source/console/tui/chrome.js';
import {Form} from '../../../source/console/tui/form.js';
import {Pane} from '../../../source/console/tui/panes.js';
import {rowsOf} from '../../../source/console/tui/pane-rows.js';
import type {PaneName} from '../../../source/console/tui/keymap.js';
import {SERVER_INFO, peer, staticTunnel, tunnel} from '../../helpers/fake-console-api.js';
import {KEYS, plain, press, renderThemed, waitForFrame, widthOf} from '../../helpers/ink.js';
import {tunnelRows} from '../../../source/console/tunnel-rows.js';
import {detailLines} from '../../../source/console/tui/details.js';
import {peerRows} from '../../../source/console/tui/pane-rows.js';

function view(overrides: Partial<ServerView> = {}): ServerView {
  return {...emptyServerView('s1', 'local', 'http://127.0.0.1:4040'), status: 'connected', mode: 'management', info: SERVER_INFO, version: '0.1.0', ...overrides};
}

function show(pane: PaneName, serverView: ServerView, width: number): string[] {
  const rows = rowsOf(serverView, pane);
  const instance = renderThemed(<Pane view={serverView} rows={rows} selectedKey={undefined} width={width} height={8} filter="" />);
  const frame = plain(instance.lastFrame());
  instance.unmount();
  const lines = frame.split('\n');
  for (const line of lines) assert.ok(widthOf(line) <= width, `wider than ${width}: "${line}"`);
  return lines;
}

/** The terminal column where `text` starts on `line`. */
function columnOf(line: string, text: string): number {
  const at = line.indexOf(text);
  assert.notEqual(at, -1, `"${text}" in "${line}"`);
  return widthOf(line.slice(0, at));
}

const NO_OWN = {channelId: undefined, tunnels: [], reopening: []};

describe('table columns', () => {
  it('show connection totals of any size in full (0/16384 was cut to 0/16...)', () => {
    const tunnels = tunnelRows([tunnel(1, 1, {connections: {active: 0, total: 16_384}}), tunnel(1, 2, {connections: {active: 1234, total: 1_000_000}})], NO_OWN, () => []);
    for (const width of [80, 100]) {
      const lines = show('tunnels', view({tunnels}), width);
      assert.match(lines[1]!, / 0\/16384 /, lines.join('\n'));
      assert.match(lines[2]!, / 1234\/1000000 /);
    }
  });

  it("show the longest status, 'connecting' with an error mark, in full at 80 and 100 columns", () => {
    const peers = [peer(1, 'alpha', [staticTunnel(1, {status: 'connecting', last_error: 'Connection refused'})], {status: 'connecting'})];
    for (const width of [80, 100]) {
      const lines = show('peers', view({peers}), width);
      assert.match(lines[1]!, / connecting( |$)/);
      assert.match(lines[2]!, / connecting! /, lines.join('\n'));
    }
  });

  it('keep their columns aligned with wide characters (CJK, emoji) in a cell', () => {
    const peers = [peer(1, '東京サーバ', [staticTunnel(1)]), peer(2, 'osaka', []), peer(3, 'lab 🚀', [])];
    const lines = show('peers', view({peers}), 100);
    const statusColumns = [1, 2, 3, 4].map((index) => columnOf(lines[index]!, lines[index]!.includes('online') ? 'online' : 'idle'));
    assert.deepEqual(new Set(statusColumns).size, 1, lines.join('\n'));
    const urlColumns = [1, 3, 4].map((index) => columnOf(lines[index]!, 'http://'));
    assert.deepEqual(new Set(urlColumns).size, 1, lines.join('\n'));
  });
});

describe('texts at 80 columns', () => {
  it('a form wraps its help text and a refusal by whole words', async () => {
    const intro = 'forward: this console listens, the server connects to the exit. reverse: the other way round, the server listens';
    const refusal = 'Cannot open the tunnel because the exit address 10.0.0.99:5432 cannot be reached from the server side';
    const instance = renderThemed(
      <Form
        spec={{title: 'New tunnel', intro, fields: [{name: 'port', label: 'Exit port'}], submit: async () => Promise.reject(new ServerRefusedError(400, refusal))}}
        width={80}
        height={12}
        onDone={() => {}}
        onCancel={() => {}}
      />,
    );
    try {
      const lines = (await waitForFrame(instance, /Exit port/)).split('\n');
      assert.deepEqual(lines.slice(1, 3), [
        'forward: this console listens, the server connects to the exit. reverse: the',
        'other way round, the server listens',
      ]);
      const refused = (await press(instance, KEYS.enter, /The server refused/)).split('\n');
      const at = refused.findIndex((line) => line.startsWith('The server refused'));
      assert.deepEqual(refused.slice(at, at + 2), [
        'The server refused: Cannot open the tunnel because the exit address',
        '10.0.0.99:5432 cannot be reached from the server side',
      ]);
    } finally {
      instance.unmount();
    }
  });

  it('a status message too long for the line is shown in fewer words, the exit port kept', () => {
    const message = {
      text: 'Tunnel 1/12 open: connect to 127.0.0.1:43417 (here) to reach database.internal.example:5432',
      short: 'Tunnel 1/12: 127.0.0.1:43417 (here) -> database.internal.example:5432',
      tone: 'own' as const,
    };
    const render = (width: number) => {
      const instance = renderThemed(<StatusLine message={message} width={width} />);
      const frame = plain(instance.lastFrame());
      instance.unmount();
      return frame;
    };
    assert.equal(render(100), message.text);
    assert.equal(render(80), message.short);
  });
});

describe('words', () => {
  it("a static tunnel's details say who holds each end: the server listens, the peer reaches the exit", () => {
    const serverView = view({peers: [peer(1, 'site-b', [staticTunnel(1)])]});
    const row = peerRows(serverView)[1]!;
    const lines = new Map(detailLines(serverView, {pane: 'peers', row}).flatMap((line) => (line.length === 2 ? [line] : [])));
    assert.equal(lines.get('Entrance'), '127.0.0.1:20000 (on the server local)');
    assert.equal(lines.get('Exit'), '127.0.0.1:22 (reached by the peer site-b)');
    assert.equal(lines.has('Entrance (here)'), false);
  });
});
