/** The Connections pane's rows, from the connections the server's `/events` stream listed. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {connectionRows, shortLivedByTunnel} from '../../source/console/connection-rows.js';
import {EMPTY_STREAMED_SERVER, type StreamedServer} from '../../source/console/server-events.js';
import type {ConnectionInfo} from '../../source/protocol/connections.js';
import {connectionInfo} from '../helpers/fake-console-api.js';

function connection(id: number, overrides: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return connectionInfo(id, {
    channel_id: 2,
    tunnel_id: 3,
    opened_at: '2026-11-27T14:00:00.000Z',
    last_activity_at: '2026-11-27T14:00:05.000Z',
    bytes: {sent: 10, received: 20},
    rate: {sent: 1, received: 2},
    ...overrides,
  });
}

describe('connection rows', () => {
  it('one plain row per connection, oldest (lowest id) first', () => {
    const streamed: StreamedServer = {
      ...EMPTY_STREAMED_SERVER,
      connections: new Map([
        [9, connection(9, {channel_id: 4, tunnel_id: 1, source: null, state: 'half-closed', ended: 'sent', bytes: {sent: 1_048_576, received: 0}, rate: {sent: 0, received: 0}})],
        [5, connection(5)],
      ]),
    };
    assert.deepEqual(connectionRows(streamed), [
      {
        key: '#5',
        id: 5,
        channelId: 2,
        tunnelId: 3,
        tunnelKey: '2/3',
        source: {address: '127.0.0.1', port: 50_005},
        openedAt: '2026-11-27T14:00:00.000Z',
        lastActivityAt: '2026-11-27T14:00:05.000Z',
        state: 'open',
        ended: null,
        sent: 10,
        received: 20,
        rateSent: 1,
        rateReceived: 2,
      },
      {
        key: '#9',
        id: 9,
        channelId: 4,
        tunnelId: 1,
        tunnelKey: '4/1',
        source: null,
        openedAt: '2026-11-27T14:00:00.000Z',
        lastActivityAt: '2026-11-27T14:00:05.000Z',
        state: 'half-closed',
        ended: 'sent',
        sent: 1_048_576,
        received: 0,
        rateSent: 0,
        rateReceived: 0,
      },
    ]);
    assert.deepEqual(connectionRows(EMPTY_STREAMED_SERVER), []);
  });

  it('the short-lived totals by tunnel key, as a plain record', () => {
    const totals = {count: 3, aborted: 1, sent: 300, received: 30};
    assert.deepEqual(shortLivedByTunnel({...EMPTY_STREAMED_SERVER, shortLived: new Map([['2/3', totals]])}), {'2/3': totals});
    assert.deepEqual(shortLivedByTunnel(EMPTY_STREAMED_SERVER), {});
  });
});
