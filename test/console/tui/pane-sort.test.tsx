/** Every table sorts by any column: o picks the next one (numbers biggest first, text A to Z), O flips; the Peers pane keeps its tree. */
import {afterEach, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ConsoleSession} from '../../../source/console/session.js';
import {emptyServerView, type ServerView} from '../../../source/console/store.js';
import {App} from '../../../source/console/tui/app.js';
import {peerRows, type PaneRows} from '../../../source/console/tui/pane-rows.js';
import {nextSort, sortPaneRows} from '../../../source/console/tui/pane-sort.js';
import {FakeConsoleApi, SERVER_INFO, channel, peer, staticTunnel, tunnel} from '../../helpers/fake-console-api.js';
import {eventually} from '../../helpers/netunnel.js';
import {press, renderThemed, waitForFrame} from '../../helpers/ink.js';

const FAST = {pollMs: 20, probeMs: 10_000, sampleMs: 20, retryMinMs: 10, retryMaxMs: 40, downAfterMs: 100};
const THEME = {color: true, ascii: false};

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

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
