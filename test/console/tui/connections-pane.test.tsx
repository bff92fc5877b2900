/** The Connections pane, rendered from server views: its columns, ages, narrow widths and fallbacks. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import type {ConnectionRow} from '../../../source/console/connection-rows.js';
import {emptyServerView, type ServerView} from '../../../source/console/store.js';
import {Pane} from '../../../source/console/tui/panes.js';
import {filterRows, rowsOf} from '../../../source/console/tui/pane-rows.js';
import {SERVER_INFO} from '../../helpers/fake-console-api.js';
import {plain, renderThemed, widthOf} from '../../helpers/ink.js';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function connection(id: number, overrides: Partial<ConnectionRow> = {}): ConnectionRow {
  return {
    key: `#${id}`, id, channelId: 1, tunnelId: 2, tunnelKey: '1/2', source: {address: '127.0.0.1', port: 50_000 + id},
    openedAt: ago(125_000), lastActivityAt: ago(30 * 60_000), state: 'open', ended: null, sent: 300, received: 1_234_567, rateSent: 1024, rateReceived: 1024,
    ...overrides,
  };
}

function view(overrides: Partial<ServerView> = {}): ServerView {
  return {...emptyServerView('s1', 'local', 'http://127.0.0.1:4040'), status: 'connected', mode: 'management', info: SERVER_INFO, version: '0.1.0', ...overrides};
}

function show(serverView: ServerView, options: {width?: number; height?: number; filter?: string; ascii?: boolean} = {}) {
  const rows = filterRows(rowsOf(serverView, 'connections'), options.filter ?? '');
  const instance = renderThemed(
    <Pane view={serverView} rows={rows} selectedKey={rows.rows[0]?.key} width={options.width ?? 80} height={options.height ?? 6} filter={options.filter ?? ''} />,
    {color: true, ascii: options.ascii ?? false},
  );
  const frame = plain(instance.lastFrame());
  instance.unmount();
  const lines = frame.split('\n');
  assert.equal(lines.length, options.height ?? 6, frame);
  for (const line of lines) assert.ok(widthOf(line) <= (options.width ?? 80), `too long: "${line}"`);
  return lines;
}

describe('Connections pane', () => {
  const connections = [connection(3), connection(9, {source: null, state: 'half-closed', ended: 'sent', sent: 0, received: 0, rateSent: 0, rateReceived: 0, openedAt: ago(2 * 3_600_000), lastActivityAt: ago(2_000)})];

  it('shows id, tunnel, source, bytes each way, rate, idle, age and state', () => {
    const lines = show(view({connections}));
    assert.match(lines[0]!, /^ +ID TUNNEL SOURCE +↑SENT +↓RECV +RATE IDLE +AGE STATE$/);
    assert.match(lines[1]!, /^▶ +3 1\/2 +127\.0\.0\.1:50003 +300 B +1\.2 MB +2\.0 kB\/s +30m +2m open$/);
    assert.match(lines[2]!, /^ +9 1\/2 +\? +0 B +0 B +- +[23]s +2h half-closed$/);
  });

  it('drops age, rate, idle, then state as it narrows, and never wraps', () => {
    const narrow = show(view({connections}), {width: 60});
    assert.match(narrow[0]!, /^ +ID TUNNEL SOURCE +↑SENT +↓RECV STATE$/);
    assert.match(narrow[1]!, /^▶ +3 1\/2 +127\.0\.0\.1:50003 +300 B 1\.2 MB open$/);
    show(view({connections}), {width: 30, height: 3});
  });

  it('filters by source, tunnel and state; draws ASCII with --ascii', () => {
    const filtered = show(view({connections}), {filter: 'half'}).join('\n');
    assert.match(filtered, /half-closed/);
    assert.doesNotMatch(filtered, /50003/);
    assert.match(show(view({connections}), {filter: 'zzz'}).join('\n'), /No row matches "zzz"/);
    const ascii = show(view({connections}), {ascii: true}).join('\n');
    assert.match(ascii, /^ +ID TUNNEL SOURCE +SENT +RECV +RATE IDLE +AGE STATE$/m);
    assert.match(ascii, /^> +3 1\/2 /m);
    assert.equal(/[^\x00-\x7f]/.test(ascii), false, ascii);
  });

  it('says when there is none, and what a server without the connections API cannot do', () => {
    assert.match(show(view()).join('\n'), /No connection open for over a second \(shorter ones: a tunnel's details\)\./);
    // Whole at 80 columns.
    const withoutApi = show(view({info: {...SERVER_INFO, features: ['management-api', 'events']}, connections}), {height: 4}).join('\n');
    assert.match(withoutApi, /This server does not list its connections:/);
    assert.match(withoutApi, /a netunnel-server without the connections API \(no "connections" feature\)\./);
    assert.match(show(view({mode: 'legacy', info: null}), {height: 5}).join('\n'), /The console's own tunnels are in the Tunnels pane\./);
  });
});
