/** Every table sorts by any column: o picks the next one (numbers biggest first, text A to Z), O flips; the Peers pane keeps its tree. */
import {afterEach, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ConsoleSession} from '../../../source/console/session.js';
import {emptyServerView, type ServerView} from '../../../source/console/store.js';
import {App} from '../../../source/console/tui/app.js';
import {peerRows, type PaneRows} from '../../../source/console/tui/pane-rows.js';
import {nextSort, sortPaneRows, sortText} from '../../../source/console/tui/pane-sort.js';
import {FakeConsoleApi, SERVER_INFO, channel, connectionPaneRow, peer, staticTunnel, tunnel} from '../../helpers/fake-console-api.js';
import {eventually} from '../../helpers/netunnel.js';
import {press, renderThemed, waitForFrame} from '../../helpers/ink.js';

const FAST = {pollMs: 20, probeMs: 10_000, sampleMs: 20, retryMinMs: 10, retryMaxMs: 40, downAfterMs: 100};
const THEME = {color: true, ascii: false};

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

/** The connection ids of sorted Connections pane rows. */
function connectionIds(rows: PaneRows): number[] {
  assert.equal(rows.pane, 'connections');
  return rows.pane === 'connections' ? rows.rows.map((row) => row.id) : [];
}

/** The tunnel ids in the order the Tunnels pane shows them. */
function tunnelOrder(frame: string): string[] {
  return frame.split('\n').flatMap((line) => /^[ ▶][ ★](\d+\/\d+) /.exec(line)?.[1] ?? []);
}

describe('sorting the panes', () => {
  it('o cycles the columns of the Tunnels pane, O flips, and the header marks the column', async () => {
    const api = new FakeConsoleApi();
    const session = new ConsoleSession({createApi: () => api, timing: FAST});
    session.addServer({name: 'srv1', url: api.serverUrl});
    const instance = renderThemed(<App session={session} onQuit={() => {}} size={{columns: 100, rows: 20}} refreshMs={0} />);
    cleanups.push(async () => {
      instance.unmount();
      await session.close();
    });
    await eventually(() => api.subscribers === 1, 5000, 'the subscription');
    api.emit({
      type: 'snapshot',
      server: SERVER_INFO,
      channels: [channel(1)],
      tunnels: [
        tunnel(1, 1, {connections: {active: 0, total: 5}, exit: {address: '10.0.0.9', port: 22}}),
        tunnel(1, 2, {connections: {active: 0, total: 1200}, exit: {address: '10.0.0.1', port: 22}}),
        tunnel(1, 3, {connections: {active: 0, total: 40}, exit: {address: '10.0.0.5', port: 22}}),
      ],
      peers: [],
    });
    assert.deepEqual(tunnelOrder(await waitForFrame(instance, /1\/3 /)), ['1/1', '1/2', '1/3']);
    await press(instance, 'o', /Sorted by ID, ascending/);
    await press(instance, 'o', /Sorted by DIR/);
    await press(instance, 'o', /Sorted by ENTRANCE/);
    let frame = await press(instance, 'o', /Sorted by EXIT, ascending/);
    assert.match(frame, / EXIT▲ /);
    assert.deepEqual(tunnelOrder(frame), ['1/2', '1/3', '1/1']);
    frame = await press(instance, 'o', /Sorted by CONNS, descending/);
    assert.match(frame, / CONNS▼/);
    assert.deepEqual(tunnelOrder(frame), ['1/2', '1/3', '1/1'], 'biggest first: 1200, 40, 5');
    frame = await press(instance, 'O', /Sorted by CONNS, ascending/);
    assert.deepEqual(tunnelOrder(frame), ['1/1', '1/3', '1/2']);
    for (const header of ['↑SENT', '↓RECV', '↑↓RATE', 'TREND']) await press(instance, 'o', new RegExp(`Sorted by ${header.replace(/[↑↓]/g, '.')}`));
    frame = await press(instance, 'o', /Rows in their natural order/);
    assert.deepEqual(tunnelOrder(frame), ['1/1', '1/2', '1/3']);
    assert.doesNotMatch(frame.split('\n')[2]!, /[▲▼]/);
  });

  it('sorts the Connections pane by the values of its columns, as the other panes; ties keep the oldest first', () => {
    const row = connectionPaneRow;
    const rows: PaneRows = {
      pane: 'connections',
      rows: [
        row(1, {channelId: 2, tunnelId: 1, tunnelKey: '2/1', source: {address: '127.0.0.1', port: 9000}, sent: 500, received: 1, rateSent: 10, rateReceived: 0, openedAt: '2026-11-27T14:00:00.000Z', lastActivityAt: '2026-11-27T14:05:00.000Z'}),
        row(2, {channelId: 1, tunnelId: 10, tunnelKey: '1/10', source: {address: '10.0.0.2', port: 50000}, sent: 20, received: 9000, rateSent: 1, rateReceived: 1, openedAt: '2026-11-27T14:01:00.000Z', lastActivityAt: '2026-11-27T14:01:00.000Z', state: 'half-closed', ended: 'sent'}),
        row(3, {channelId: 1, tunnelId: 2, tunnelKey: '1/2', source: null, sent: 500, received: 40, rateSent: 0, rateReceived: 0, openedAt: '2026-11-27T14:02:00.000Z', lastActivityAt: '2026-11-27T14:03:00.000Z'}),
        row(4, {channelId: 1, tunnelId: 2, tunnelKey: '1/2', source: {address: '127.0.0.1', port: 50000}, sent: 7, received: 40, rateSent: 300, rateReceived: 5, openedAt: '2026-11-27T14:03:00.000Z', lastActivityAt: '2026-11-27T14:06:00.000Z'}),
      ],
    };
    // o from the natural order (oldest first): each column in turn, numbers biggest first, text A to Z, then back.
    const seen: string[] = [];
    const orders: number[][] = [];
    for (let sort = nextSort(rows, undefined, THEME); sort !== null; sort = nextSort(rows, sort, THEME)) {
      seen.push(sortText(rows, sort, THEME));
      orders.push(connectionIds(sortPaneRows(rows, sort, THEME)));
    }
    assert.deepEqual(seen, [
      'Sorted by ID, descending (o: next column, O: flip)',
      'Sorted by TUNNEL, ascending (o: next column, O: flip)',
      'Sorted by SOURCE, ascending (o: next column, O: flip)',
      'Sorted by ↑SENT, descending (o: next column, O: flip)',
      'Sorted by ↓RECV, descending (o: next column, O: flip)',
      'Sorted by RATE, descending (o: next column, O: flip)',
      'Sorted by IDLE, descending (o: next column, O: flip)',
      'Sorted by AGE, descending (o: next column, O: flip)',
      'Sorted by STATE, ascending (o: next column, O: flip)',
    ]);
    assert.deepEqual(orders, [
      [4, 3, 2, 1],
      // 1/2 before 1/10: the numbers in a key compare as numbers.
      [3, 4, 2, 1],
      // Addresses and ports as numbers (10.0.0.2 before 127.0.0.1, 9000 before 50000); no source last.
      [2, 1, 4, 3],
      [1, 3, 2, 4],
      [2, 3, 4, 1],
      // Both ways together.
      [4, 1, 2, 3],
      // The longest idle: the earliest last activity.
      [2, 3, 1, 4],
      [1, 2, 3, 4],
      [2, 1, 3, 4],
    ]);
    // O flips; ties (sent 500 for 1 and 3) still oldest first.
    assert.deepEqual(connectionIds(sortPaneRows(rows, {column: 3, descending: false}, THEME)), [4, 2, 1, 3]);
    assert.deepEqual(rows.rows.map((item) => item.id), [1, 2, 3, 4], 'the rows given are left as they were');
  });

  it('sorts the Peers pane as a tree: peers, and each one\'s static tunnels under it', () => {
    const view: ServerView = {
      ...emptyServerView('s1', 'local', 'http://127.0.0.1:4040'),
      status: 'connected',
      mode: 'management',
      peers: [peer(1, 'beta', [staticTunnel(1, {tunnel_local_port: 20005}), staticTunnel(2, {tunnel_local_port: 20001})]), peer(2, 'alpha', [staticTunnel(3)])],
    };
    const rows: PaneRows = {pane: 'peers', rows: peerRows(view)};
    const sort = nextSort(rows, undefined, THEME);
    assert.deepEqual(sort, {column: 0, descending: false});
    const byName = sortPaneRows(rows, sort!, THEME);
    assert.equal(byName.pane, 'peers');
    assert.deepEqual(byName.rows.map((row) => row.key), ['p2', 'p2/s3', 'p1', 'p1/s1', 'p1/s2']);
    const byAddress = sortPaneRows(rows, {column: 1, descending: false}, THEME);
    assert.equal(byAddress.pane, 'peers');
    assert.deepEqual(
      byAddress.rows.map((row) => (row.kind === 'static' ? `${row.key}${row.last ? ' last' : ''}` : row.key)),
      ['p1', 'p1/s2', 'p1/s1 last', 'p2', 'p2/s3 last'],
      'the tree marks follow the new order',
    );
  });
});
