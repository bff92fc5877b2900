/** The panes, rendered from server views: columns, markers, fallbacks, and their size limits. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {emptyServerView, type ServerView} from '../../../source/console/store.js';
import {Pane} from '../../../source/console/tui/panes.js';
import {filterRows, rowsOf} from '../../../source/console/tui/pane-rows.js';
import type {PaneName} from '../../../source/console/tui/keymap.js';
import {layoutColumns} from '../../../source/console/tui/table.js';
import {SERVER_INFO, channel, peer, staticTunnel, tunnelRow} from '../../helpers/fake-console-api.js';
import {plain, renderThemed, widthOf} from '../../helpers/ink.js';

function view(overrides: Partial<ServerView> = {}): ServerView {
  return {...emptyServerView('s1', 'local', 'http://127.0.0.1:4040'), status: 'connected', mode: 'management', info: SERVER_INFO, version: '0.1.0', ...overrides};
}

function show(pane: PaneName, serverView: ServerView, options: {width?: number; height?: number; selectedKey?: string; ascii?: boolean; filter?: string} = {}) {
  const rows = filterRows(rowsOf(serverView, pane), options.filter ?? '');
  const instance = renderThemed(
    <Pane
      view={serverView}
      rows={rows}
      selectedKey={options.selectedKey ?? rows.rows[0]?.key}
      width={options.width ?? 80}
      height={options.height ?? 10}
      filter={options.filter ?? ''}
    />,
    {color: true, ascii: options.ascii ?? false},
  );
  const frame = plain(instance.lastFrame());
  instance.unmount();
  return frame;
}

function assertFits(frame: string, width: number, height: number) {
  const lines = frame.split('\n');
  assert.equal(lines.length, height, `exactly ${height} lines:\n${frame}`);
  for (const line of lines) assert.ok(widthOf(line) <= width, `line longer than ${width}: "${line}"`);
}

describe('Tunnels pane', () => {
  const tunnels = [
    tunnelRow(1, 1, {own: true, active: 2, total: 17, sent: 1_234_567, received: 5000, rate: 2048, history: [0, 1024, 2048]}),
    tunnelRow(2, 3, {direction: 'reverse', entrance: {address: '0.0.0.0', port: 2222}, exit: {address: '127.0.0.1', port: 22}}),
  ];

  it('shows direction, endpoints, connections, bytes, rate and a sparkline; own tunnels marked', () => {
    const frame = show('tunnels', view({tunnels}));
    assertFits(frame, 80, 10);
    const lines = frame.split('\n');
    assert.match(lines[0]!, /^ {2}ID +DIR ENTRANCE +EXIT +CONNS +↑SENT +↓RECV +↑↓RATE TREND$/);
    assert.match(lines[1]!, /^▶★1\/1 +fwd 127\.0\.0\.1:40001 +10\.0\.0\.5:5432 +2\/17 +1\.2 MB +5\.0 kB +2\.0 kB\/s +▅█$/);
    assert.match(lines[2]!, /^ {2}2\/3 +rev 0\.0\.0\.0:2222 +127\.0\.0\.1:22 +0\/0 +0 B +0 B +-$/);
  });

  it('drops the sparkline, then the rate, when narrow, and never wraps', () => {
    const frame = show('tunnels', view({tunnels}), {width: 60});
    assertFits(frame, 60, 10);
    assert.doesNotMatch(frame, /TREND|RATE/);
    assert.match(frame, /CONNS/);
    const tiny = show('tunnels', view({tunnels}), {width: 30, height: 4});
    assertFits(tiny, 30, 4);
  });

  it('draws ASCII only with --ascii', () => {
    const frame = show('tunnels', view({tunnels}), {ascii: true});
    assert.match(frame, /^>@1\/1/m);
    assert.equal(/[^\x00-\x7f]/.test(frame), false, frame);
  });

  it('says how to open a tunnel when there is none, and filters', () => {
    assert.match(show('tunnels', view()), /No tunnel\. n opens one, run by this console\./);
    const filtered = show('tunnels', view({tunnels}), {filter: '2222'});
    assert.match(filtered, /2\/3/);
    assert.doesNotMatch(filtered, /1\/1/);
    assert.match(show('tunnels', view({tunnels}), {filter: 'zzz'}), /No row matches "zzz" \(Esc clears the filter\)/);
  });

  it('scrolls to keep the selection visible', () => {
    const many = Array.from({length: 30}, (_, index) => tunnelRow(1, index + 1));
    const frame = show('tunnels', view({tunnels: many}), {height: 6, selectedKey: '1/20'});
    const lines = frame.split('\n');
    assert.equal(lines.length, 6);
    assert.match(lines[5]!, /^▶ 1\/20 /);
  });
});

describe('Channels pane', () => {
  it("lists channels with client, address, state, tunnels; the console's own marked", () => {
    const channels = [channel(1, {tunnel_count: 2}), channel(7, {client_features: [], remote_address: '10.9.8.7', connected: false})];
    const frame = show('channels', view({channels, ownChannelId: 1}));
    assertFits(frame, 80, 10);
    const lines = frame.split('\n');
    assert.match(lines[0]!, /ID CLIENT +REMOTE ADDRESS +STATE +SINCE +TUNNELS NOTE/);
    assert.match(lines[1]!, /^▶★ {3}1 netunnel-ts +127\.0\.0\.1 +connected .* +2 console$/);
    assert.match(lines[2]!, /^ {5}7 1\.0\.12 \(py\) +10\.9\.8\.7 +gone /);
  });

  it('says that a server without the management API cannot list channels', () => {
    const frame = show('channels', view({mode: 'legacy', info: null}));
    assertFits(frame, 80, 10);
    assert.match(frame, /This server cannot list channels: it has no management API/);
    assert.match(frame, /\(a NETunnel 1\.0\.12 server, or netunnel-server --no-extensions\)\./);
  });
});

describe('Peers pane', () => {
  it('shows each peer with its static tunnels as a tree, status and counters', () => {
    const peers = [
      peer(1, 'alpha', [staticTunnel(1, {connections: {active: 1, total: 3}, bytes: {sent: 2048, received: 100}}), staticTunnel(2, {status: 'offline', last_error: 'Connection refused'})]),
      peer(2, 'beta', [], {status: 'connecting'}),
    ];
    const frame = show('peers', view({peers}));
    assertFits(frame, 80, 10);
    const lines = frame.split('\n');
    assert.match(lines[1]!, /^▶ alpha +http:\/\/10\.0\.0\.1:4040 +online/);
    assert.match(lines[2]!, /^ {3}├ #1 +127\.0\.0\.1:20000→127\.0\.0\.1:22 +online +1\/3 +2\.0 kB\/100 B$/);
    assert.match(lines[3]!, /^ {3}└ #2 +127\.0\.0\.1:20001→127\.0\.0\.1:22 +offline! /);
    assert.match(lines[4]!, /^ {2}beta +http:\/\/10\.0\.0\.2:4040 +connecting/);
  });

  it("shows '-' for the status a 1.0.12 server does not give, and why peers cannot be listed", () => {
    const legacyPeer = {id: 1, name: 'old', target_netunnel_url: 'http://o:4040', auth_data: {}, static_tunnels: [{id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: 22}]};
    const frame = show('peers', view({mode: 'legacy', peers: [legacyPeer]}));
    assert.match(frame, /old +http:\/\/o:4040 +-/);
    assert.match(frame, /└ #1 +127\.0\.0\.1:20000→127\.0\.0\.1:22 +- *$/m);
    assert.match(show('peers', view({peersError: 'Not found: GET /peers'})), /Cannot list peers: Not found: GET \/peers/);
  });

  it('keeps a peer whose static tunnel matches the filter', () => {
    const peers = [peer(1, 'alpha', [staticTunnel(1, {tunnel_remote_port: 5432})]), peer(2, 'beta')];
    const frame = show('peers', view({peers}), {filter: '5432'});
    assert.match(frame, /alpha/);
    assert.doesNotMatch(frame, /beta/);
  });
});

describe('layoutColumns', () => {
  it('shares the spare width among flexible columns and drops the least important first', () => {
    const columns = [
      {header: 'A', width: 5, cell: () => ''},
      {header: 'B', width: 10, flex: true, cell: () => ''},
      {header: 'C', width: 10, flex: true, cell: () => ''},
      {header: 'D', width: 10, drop: 1, cell: () => ''},
      {header: 'E', width: 10, drop: 2, cell: () => ''},
    ];
    assert.deepEqual(
      layoutColumns(columns, 60).columns.map((column) => [column.header, column.actual]),
      [['A', 5], ['B', 15], ['C', 14], ['D', 10], ['E', 10]],
    );
    assert.deepEqual(layoutColumns(columns, 40).columns.map((column) => column.header), ['A', 'B', 'C', 'D']);
    assert.deepEqual(layoutColumns(columns, 39).columns.map((column) => column.header), ['A', 'B', 'C']);
  });
});
