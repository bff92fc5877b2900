/** The order of the Connections pane: any column, o to the next, O reversed, ties by id. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {
  CONNECTION_SORT_COLUMNS,
  DEFAULT_CONNECTION_SORT,
  connectionSortLabel,
  nextConnectionSort,
  reversedConnectionSort,
  sortConnectionRows,
  type ConnectionSort,
} from '../../../source/console/tui/connection-sort.js';
import {connectionPaneRow} from '../../helpers/fake-console-api.js';

const row = connectionPaneRow;

const ROWS = [
  row(1, {channelId: 2, tunnelId: 1, tunnelKey: '2/1', source: {address: '127.0.0.1', port: 9000}, sent: 500, received: 1, rateSent: 10, rateReceived: 0, openedAt: '2026-11-27T14:00:00.000Z', lastActivityAt: '2026-11-27T14:05:00.000Z'}),
  row(2, {channelId: 1, tunnelId: 3, tunnelKey: '1/3', source: {address: '10.0.0.2', port: 50000}, sent: 20, received: 9000, rateSent: 1, rateReceived: 1, openedAt: '2026-11-27T14:01:00.000Z', lastActivityAt: '2026-11-27T14:01:00.000Z', state: 'half-closed', ended: 'sent'}),
  row(3, {channelId: 1, tunnelId: 2, tunnelKey: '1/2', source: null, sent: 500, received: 40, rateSent: 0, rateReceived: 0, openedAt: '2026-11-27T14:02:00.000Z', lastActivityAt: '2026-11-27T14:03:00.000Z'}),
  row(4, {channelId: 1, tunnelId: 2, tunnelKey: '1/2', source: {address: '127.0.0.1', port: 50000}, sent: 7, received: 40, rateSent: 300, rateReceived: 5, openedAt: '2026-11-27T14:03:00.000Z', lastActivityAt: '2026-11-27T14:06:00.000Z'}),
];

const ids = (sort: ConnectionSort) => sortConnectionRows(ROWS, sort).map((item) => item.id);

describe('connection sort', () => {
  it('starts by id, oldest first; o goes through every column in the pane order, back to the first', () => {
    assert.deepEqual(DEFAULT_CONNECTION_SORT, {column: 'id', descending: false});
    let sort = DEFAULT_CONNECTION_SORT;
    const seen: string[] = [];
    for (let step = 0; step < CONNECTION_SORT_COLUMNS.length; step += 1) {
      sort = nextConnectionSort(sort);
      seen.push(`${sort.column}${sort.descending ? '-' : '+'}`);
    }
    assert.deepEqual(seen, ['tunnel+', 'source+', 'sent-', 'received-', 'rate-', 'idle-', 'age-', 'state+', 'id+']);
  });

  it('orders by each column, ties by id', () => {
    const cases: Array<[ConnectionSort, number[]]> = [
      [{column: 'id', descending: false}, [1, 2, 3, 4]],
      [{column: 'tunnel', descending: false}, [3, 4, 2, 1]],
      // Addresses as text, then ports as numbers; no source last.
      [{column: 'source', descending: false}, [2, 1, 4, 3]],
      [{column: 'sent', descending: true}, [1, 3, 2, 4]],
      [{column: 'received', descending: true}, [2, 3, 4, 1]],
      // Both ways together.
      [{column: 'rate', descending: true}, [4, 1, 2, 3]],
      // The longest idle: the earliest last activity.
      [{column: 'idle', descending: true}, [2, 3, 1, 4]],
      [{column: 'age', descending: true}, [1, 2, 3, 4]],
      [{column: 'state', descending: false}, [2, 1, 3, 4]],
    ];
    for (const [sort, expected] of cases) assert.deepEqual(ids(sort), expected, `${sort.column} ${sort.descending}`);
  });

  it('O reverses the order, ties still by id', () => {
    assert.deepEqual(reversedConnectionSort({column: 'sent', descending: true}), {column: 'sent', descending: false});
    assert.deepEqual(ids({column: 'sent', descending: false}), [4, 2, 1, 3]);
    assert.deepEqual(ids({column: 'id', descending: true}), [4, 3, 2, 1]);
  });

  it('leaves the rows it was given as they were', () => {
    const before = ROWS.map((item) => item.id);
    sortConnectionRows(ROWS, {column: 'rate', descending: true});
    assert.deepEqual(ROWS.map((item) => item.id), before);
  });

  it('labels the order for the pane header', () => {
    assert.equal(connectionSortLabel({column: 'rate', descending: true}, {up: '↑', down: '↓'}), 'sort: rate ↓');
    assert.equal(connectionSortLabel(DEFAULT_CONNECTION_SORT, {up: '^', down: 'v'}), 'sort: id ^');
  });
});
