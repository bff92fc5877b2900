/** The connections API's schemas: the route inputs they accept and refuse, and the frames they describe. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  connectionInfoSchema,
  connectionsEventSchema,
  connectionsQuerySchema,
  drainAnswerSchema,
  drainBodySchema,
  MAX_DRAIN_TIMEOUT_MS,
} from '../../source/protocol/connections.js';

test('the connections query: ids in decimal become numbers; tunnel_id only with channel_id; nothing else', () => {
  assert.deepEqual(connectionsQuerySchema.parse({}), {});
  assert.deepEqual(connectionsQuerySchema.parse({channel_id: '12', tunnel_id: '3'}), {channel_id: 12, tunnel_id: 3});
  for (const refused of [{channel_id: '0'}, {channel_id: '01'}, {channel_id: '-2'}, {channel_id: '2.0'}, {channel_id: '1234567890123456'}, {tunnel_id: '1'}, {channel: '1'}]) {
    assert.equal(connectionsQuerySchema.safeParse(refused).success, false, JSON.stringify(refused));
  }
});

test('the drain body: nothing, null or a timeout in whole milliseconds up to a day', () => {
  assert.deepEqual(drainBodySchema.parse({}), {});
  assert.deepEqual(drainBodySchema.parse({timeout_ms: null}), {timeout_ms: null});
  assert.deepEqual(drainBodySchema.parse({timeout_ms: MAX_DRAIN_TIMEOUT_MS}), {timeout_ms: MAX_DRAIN_TIMEOUT_MS});
  for (const refused of [{timeout_ms: 0}, {timeout_ms: MAX_DRAIN_TIMEOUT_MS + 1}, {timeout_ms: 2.5}, {timeout_ms: '5'}, {force: false}, []]) {
    assert.equal(drainBodySchema.safeParse(refused).success, false, JSON.stringify(refused));
  }
  const answer = {channel_id: 1, tunnel_id: 2, state: 'draining', connections: {active: 1, total: 4}, timeout_ms: null};
  assert.deepEqual(drainAnswerSchema.parse(answer), answer);
});

const CONNECTION = {
  id: 4,
  channel_id: 1,
  tunnel_id: 2,
  source: {address: '127.0.0.1', port: 50_123},
  opened_at: '2026-11-27T14:00:00.000Z',
  last_activity_at: '2026-11-27T14:00:01.000Z',
  idle_ms: 20,
  state: 'half-closed',
  ended: 'sent',
  bytes: {sent: 10, received: 20},
  rate: {sent: 0, received: 5},
};

test('a connection: exactly the documented keys', () => {
  assert.deepEqual(connectionInfoSchema.parse(CONNECTION), CONNECTION);
  assert.equal(connectionInfoSchema.safeParse({...CONNECTION, state: 'closed'}).success, false, 'a listed connection is never closed');
  assert.equal(connectionInfoSchema.safeParse({...CONNECTION, ended: 'both'}).success, false);
  assert.equal(connectionInfoSchema.safeParse({...CONNECTION, bytes: {sent: -1, received: 0}}).success, false);
});

test('every new frame type parses as documented; an unknown type does not', () => {
  const at = '2026-11-27T14:00:00.000Z';
  const frames = [
    {type: 'connection.opened', at, connections: [CONNECTION], omitted: 0},
    {
      type: 'connection.closed',
      at,
      connections: [{id: 4, channel_id: 1, tunnel_id: 2, closed_at: at, duration_ms: 3, bytes: {sent: 1, received: 2}, aborted: false}],
      omitted: 2,
      short_lived: [{channel_id: 1, tunnel_id: 2, count: 998, aborted: 1, bytes: {sent: 9980, received: 9980}}],
    },
    {type: 'tunnel.draining', at, channel_id: 1, tunnel_id: 2},
    {type: 'auth.refused', at, remote_address: '10.0.0.9', method: 'GET', path: '/tunnels'},
    {type: 'destination.refused', at, channel_id: 1, remote_address: null, exit: {address: '10.1.1.1', port: 22}, error: 'no'},
    {type: 'entrance.refused', at, channel_id: 1, remote_address: '127.0.0.1', entrance: {address: '0.0.0.0', port: null}, error: 'no'},
    {type: 'owner.refused', at, channel_id: 1, remote_address: '10.0.0.9', kind: 'websocket', path: '/channels/1/tunnels/2/connect', error: 'Forbidden'},
    {type: 'limit.reached', at, limit: 'body_bytes', remote_address: '127.0.0.1', error: 'Request body larger than 1048576 bytes'},
    {type: 'events.suppressed', at, counts: {'auth.refused': 120}},
  ];
  for (const frame of frames) assert.deepEqual(connectionsEventSchema.parse(frame), frame, frame.type);
  assert.equal(connectionsEventSchema.safeParse({type: 'connection.moved', at}).success, false);
});
