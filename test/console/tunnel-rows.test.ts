/** The Tunnels pane's rows from the tunnels known (the console's own tunnels, live: connection.test.ts). */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {countedTunnels, tunnelRows, visibleTunnels} from '../../source/console/tunnel-rows.js';
import {tunnel} from '../helpers/fake-console-api.js';

const NO_OWN = {channelId: undefined, tunnels: [], reopening: []};

describe('tunnel rows', () => {
  it("shows the server's tunnels with its events; without them, only the console's own (none here)", () => {
    const known = [tunnel(2, 1), tunnel(1, 2), tunnel(1, 1)];
    assert.deepEqual(visibleTunnels('management', known, NO_OWN), known);
    assert.deepEqual(visibleTunnels('legacy', known, NO_OWN), []);
    assert.deepEqual(visibleTunnels('unknown', known, {channelId: 4, tunnels: [], reopening: []}), []);
  });

  it('rows by channel then tunnel, with the counters, the last rate and the history', () => {
    const known = [tunnel(2, 1, {bytes: {sent: 10, received: 5}}), tunnel(1, 2), tunnel(1, 1, {durations_ms: {p50: 3, p90: 9}})];
    assert.deepEqual(countedTunnels(known), [{key: '2/1', bytes: 15}, {key: '1/2', bytes: 0}, {key: '1/1', bytes: 0}]);
    const rows = tunnelRows(known, NO_OWN, (key) => (key === '2/1' ? [100, 40] : []));
    assert.deepEqual(rows.map((row) => [row.key, row.sent, row.received, row.rate, row.history, row.own, row.durations]), [
      ['1/1', 0, 0, 0, [], false, {p50: 3, p90: 9}],
      ['1/2', 0, 0, 0, [], false, null],
      ['2/1', 10, 5, 40, [100, 40], false, null],
    ]);
  });
});
