/** How a tracked connection reads in the API: the ways in its terms (`sent` toward the exit), its state and times. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ConnectionRecord} from '../../../source/engine/connection-record.js';
import {TunnelTraffic} from '../../../source/engine/traffic.js';
import type {TrackedConnection} from '../../../source/server/management/connection-registry.js';
import {closedConnection, connectionInfo, connectionStats} from '../../../source/server/management/connection-views.js';

function tracked(record: ConnectionRecord): TrackedConnection {
  return {id: 9, channelId: 2, tunnelId: 3, record, rateSent: 40, rateReceived: 7, sampledSent: 0, sampledReceived: 0};
}

test('an open connection at an entrance: its source, bytes, rates, times and idle time', () => {
  const record = new ConnectionRecord(1, 'entrance', {address: '10.0.0.5', port: 50_000}, new TunnelTraffic());
  record.socketToWebsocket(100);
  record.websocketToSocket(20);
  record.lastActivityAt = record.openedAt + 1500;
  assert.deepEqual(connectionInfo(tracked(record), record.openedAt + 4000), {
    id: 9,
    channel_id: 2,
    tunnel_id: 3,
    source: {address: '10.0.0.5', port: 50_000},
    opened_at: new Date(record.openedAt).toISOString(),
    last_activity_at: new Date(record.openedAt + 1500).toISOString(),
    idle_ms: 2500,
    state: 'open',
    ended: null,
    bytes: {sent: 100, received: 20},
    rate: {sent: 40, received: 7},
  });
});

test('half-closed: the way that ended, in the API\'s terms at either end of the tunnel', () => {
  for (const [end, ending, way] of [
    ['entrance', 'socketEnded', 'sent'],
    ['entrance', 'websocketEnded', 'received'],
    ['exit', 'socketEnded', 'received'],
    ['exit', 'websocketEnded', 'sent'],
  ] as const) {
    const record = new ConnectionRecord(1, end, undefined, new TunnelTraffic());
    record[ending]();
    const stats = connectionStats(tracked(record));
    assert.deepEqual([stats.state, stats.ended], ['half-closed', way], `${end} ${ending}`);
    assert.equal(connectionInfo(tracked(record)).source, null);
  }
});

test('a closed connection: when, how long, its final bytes, and whether it was cut', () => {
  const record = new ConnectionRecord(1, 'exit', undefined, new TunnelTraffic());
  record.socketToWebsocket(3);
  record.websocketToSocket(5);
  record.closed(true);
  record.closedAt = record.openedAt + 250;
  assert.deepEqual(closedConnection(tracked(record)), {
    id: 9,
    channel_id: 2,
    tunnel_id: 3,
    closed_at: new Date(record.openedAt + 250).toISOString(),
    duration_ms: 250,
    bytes: {sent: 5, received: 3},
    aborted: true,
  });
});
