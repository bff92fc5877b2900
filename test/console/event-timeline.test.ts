/** The Events pane's timeline: one line per event of the timeline, what it was from the state before, bounded. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {appendEvent, describeEvent, EMPTY_TIMELINE, TIMELINE_LIMIT, type Timeline} from '../../source/console/event-timeline.js';
import {EMPTY_STREAMED_SERVER, reduceServerEvent, type StreamedServer} from '../../source/console/server-events.js';
import type {ServerEvent} from '../../source/protocol/server-events.js';
import {SERVER_INFO, channel, peer, staticTunnel, tunnel} from '../helpers/fake-console-api.js';

const AT = '2026-11-27T14:36:00.010Z';
const FALLBACK = '2026-11-27T15:00:00.000Z';

describe('event timeline', () => {
  const before: StreamedServer = reduceServerEvent(EMPTY_STREAMED_SERVER, {
    type: 'snapshot',
    server: SERVER_INFO,
    channels: [channel(3, {remote_address: '10.0.0.7'})],
    tunnels: [tunnel(3, 1, {connections: {active: 2, total: 5}, exit: {address: '10.1.1.1', port: 22}})],
    peers: [peer(1, 'site-b', [staticTunnel(1)])],
  });

  it('says what each event of the timeline was, with its time, tone and address', () => {
    const cases: Array<[ServerEvent, string, string, string, string | null]> = [
      [{type: 'channel.opened', channel: channel(4, {remote_address: '10.0.0.8', connected_at: AT})}, AT, 'Channel 4 opened from 10.0.0.8 (client 1.0.12)', 'ok', '10.0.0.8'],
      [{type: 'channel.closed', channel_id: 3}, FALLBACK, 'Channel 3 closed (from 10.0.0.7, 1 tunnel)', 'muted', '10.0.0.7'],
      [{type: 'tunnel.created', tunnel: tunnel(3, 2, {created_at: AT})}, AT, 'Tunnel 3/2 created (fwd 127.0.0.1:40002 -> 127.0.0.1:22)', 'ok', null],
      [{type: 'tunnel.draining', at: AT, channel_id: 3, tunnel_id: 1}, AT, 'Tunnel 3/1 draining: 2 open connections to finish', 'warn', null],
      [{type: 'tunnel.deleted', channel_id: 3, tunnel_id: 1}, FALLBACK, 'Tunnel 3/1 deleted (fwd 127.0.0.1:40001 -> 10.1.1.1:22)', 'muted', null],
      [{type: 'peer.added', peer: peer(2, 'site-c')}, FALLBACK, 'Peer "site-c" added (http://10.0.0.2:4040)', 'ok', null],
      [{type: 'peer.changed', peer: peer(1, 'site-b', [], {status: 'offline'})}, FALLBACK, 'Peer "site-b" changed: offline', 'error', null],
      [{type: 'peer.removed', peer_id: 1}, FALLBACK, 'Peer "site-b" removed', 'muted', null],
      [
        {type: 'static_tunnel.status', peer_id: 1, static_tunnel: staticTunnel(1, {status: 'offline', last_error: 'Connection refused', since: AT})},
        AT,
        'Static tunnel 1 of peer "site-b" (127.0.0.1:20000 -> 127.0.0.1:22) offline: Connection refused',
        'error',
        null,
      ],
      [{type: 'auth.refused', at: AT, remote_address: '10.0.0.9', method: 'POST', path: '/authenticate'}, AT, 'Refused authentication from 10.0.0.9: POST /authenticate', 'error', '10.0.0.9'],
      [
        {type: 'destination.refused', at: AT, channel_id: 3, remote_address: '10.0.0.9', exit: {address: '10.1.1.1', port: 22}, error: 'Address 10.1.1.1 is not allowed as a tunnel destination'},
        AT,
        'Refused destination 10.1.1.1:22 for channel 3 from 10.0.0.9: Address 10.1.1.1 is not allowed as a tunnel destination',
        'error',
        '10.0.0.9',
      ],
      [
        {type: 'entrance.refused', at: AT, channel_id: 3, remote_address: '10.0.0.9', entrance: {address: '0.0.0.0', port: null}, error: 'not allowed'},
        AT,
        'Refused entrance 0.0.0.0:any for channel 3 from 10.0.0.9: not allowed',
        'error',
        '10.0.0.9',
      ],
      [
        {type: 'owner.refused', at: AT, channel_id: 3, remote_address: '10.0.0.9', kind: 'websocket', path: '/channels/3/tunnels/1/connect', error: 'Forbidden'},
        AT,
        'Refused a websocket on channel 3 from 10.0.0.9, not its client: /channels/3/tunnels/1/connect',
        'error',
        '10.0.0.9',
      ],
      [{type: 'limit.reached', at: AT, limit: 'body_bytes', remote_address: '10.0.0.9', error: 'Request body larger than 1048576 bytes'}, AT, 'Limit body_bytes reached by 10.0.0.9: Request body larger than 1048576 bytes', 'warn', '10.0.0.9'],
      [{type: 'events.suppressed', at: AT, counts: {'auth.refused': 480, 'limit.reached': 3}}, AT, 'Refusal events past the budget, not shown: 480 auth.refused, 3 limit.reached', 'warn', null],
      [{type: 'snapshot', server: SERVER_INFO, channels: [channel(1)], tunnels: [], peers: []}, FALLBACK, 'Event stream started: 1 channel, 0 tunnels, 0 peers', 'muted', null],
    ];
    for (const [event, at, text, tone, address] of cases) {
      const [entry] = appendEvent(EMPTY_TIMELINE, event, before, FALLBACK).entries;
      assert.deepEqual(entry, {key: 'e1', type: event.type, at, text, tone, address}, event.type);
    }
  });

  it('leaves out counters and connection frames', () => {
    const frames: ServerEvent[] = [
      {type: 'stats', at: AT, tunnels: [], static_tunnels: []},
      {type: 'connection.opened', at: AT, connections: [], omitted: 0},
      {type: 'connection.closed', at: AT, connections: [], omitted: 0, short_lived: []},
    ];
    for (const frame of frames) {
      assert.equal(describeEvent(frame, before), null);
      assert.equal(appendEvent(EMPTY_TIMELINE, frame, before, FALLBACK), EMPTY_TIMELINE);
    }
  });

  it(`keeps the last ${TIMELINE_LIMIT} entries, with keys that are never reused`, () => {
    let timeline: Timeline = EMPTY_TIMELINE;
    for (let index = 0; index < TIMELINE_LIMIT + 20; index += 1) timeline = appendEvent(timeline, {type: 'peer.removed', peer_id: index}, before, FALLBACK);
    assert.equal(timeline.entries.length, TIMELINE_LIMIT);
    assert.equal(timeline.added, TIMELINE_LIMIT + 20);
    assert.deepEqual([timeline.entries[0]!.key, timeline.entries.at(-1)!.key], ['e21', `e${TIMELINE_LIMIT + 20}`]);
  });
});
