/** The event reducer: each kind of event of our `/events` stream, folded into plain data. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {EMPTY_STREAMED_SERVER, omissionOf, reduceServerEvent, withConnectionList, type StreamedServer} from '../../source/console/server-events.js';
import type {ConnectionInfo} from '../../source/protocol/connections.js';
import type {ServerEvent} from '../../source/protocol/server-events.js';
import {SERVER_INFO, channel, connectionInfo, peer, staticTunnel, tunnel} from '../helpers/fake-console-api.js';

const fold = (events: ServerEvent[], from: StreamedServer = EMPTY_STREAMED_SERVER) => events.reduce(reduceServerEvent, from);
const keys = (state: StreamedServer) => [...state.tunnels.keys()].sort();

describe('reduceServerEvent', () => {
  it('a snapshot replaces everything, sorted by id', () => {
    const state = fold([{type: 'snapshot', server: SERVER_INFO, channels: [channel(2), channel(1)], tunnels: [tunnel(1, 1)], peers: [peer(2, 'b'), peer(1, 'a')]}]);
    assert.equal(state.info, SERVER_INFO);
    assert.deepEqual(state.channels.map((item) => item.id), [1, 2]);
    assert.deepEqual(state.peers.map((item) => item.name), ['a', 'b']);
    assert.deepEqual(keys(state), ['1/1']);
  });

  it('tunnels come and go with their channel counts; a closed channel takes its tunnels', () => {
    const start = fold([{type: 'snapshot', server: SERVER_INFO, channels: [channel(1)], tunnels: [], peers: []}]);
    const before = structuredClone(start.channels);
    let state = fold([{type: 'channel.opened', channel: channel(2)}, {type: 'tunnel.created', tunnel: tunnel(2, 1)}, {type: 'tunnel.created', tunnel: tunnel(2, 2)}], start);
    assert.deepEqual(state.channels.map((item) => [item.id, item.tunnel_count]), [[1, 0], [2, 2]]);
    assert.deepEqual(start.channels, before, 'the state before is left as it was');
    state = fold([{type: 'tunnel.deleted', channel_id: 2, tunnel_id: 1}], state);
    assert.deepEqual([keys(state), state.channels[1]!.tunnel_count], [['2/2'], 1]);
    state = fold([{type: 'channel.closed', channel_id: 2}], state);
    assert.deepEqual([state.channels.map((item) => item.id), keys(state)], [[1], []]);
  });

  it('peers, static tunnel status and the counters of stats frames', () => {
    let state = fold([
      {type: 'peer.added', peer: peer(3, 'c', [staticTunnel(1)])},
      {type: 'peer.added', peer: peer(1, 'a')},
      {type: 'peer.changed', peer: peer(1, 'a2')},
      {type: 'static_tunnel.status', peer_id: 3, static_tunnel: staticTunnel(1, {status: 'offline', last_error: 'Connection refused'})},
      {type: 'tunnel.created', tunnel: tunnel(1, 1)},
      {
        type: 'stats',
        at: '',
        tunnels: [{channel_id: 1, id: 1, connections: {active: 1, total: 4}, bytes: {sent: 1000, received: 20}}, {channel_id: 9, id: 9, connections: {active: 0, total: 0}, bytes: {sent: 0, received: 0}}],
        static_tunnels: [{peer_id: 3, id: 1, connections: {active: 0, total: 2}, bytes: {sent: 5, received: 6}}],
      },
    ]);
    assert.deepEqual(state.peers.map((item) => item.name), ['a2', 'c']);
    assert.deepEqual(state.peers[1]!.static_tunnels[0], staticTunnel(1, {status: 'offline', last_error: 'Connection refused', connections: {active: 0, total: 2}, bytes: {sent: 5, received: 6}}));
    assert.deepEqual([state.tunnels.get('1/1')!.connections, state.tunnels.get('1/1')!.bytes, keys(state)], [{active: 1, total: 4}, {sent: 1000, received: 20}, ['1/1']]);
    state = fold([{type: 'peer.removed', peer_id: 3}], state);
    assert.deepEqual(state.peers.map((item) => item.id), [1]);
  });

  it('an event type it does not know changes nothing', () => {
    const state = fold([{type: 'peer.added', peer: peer(1, 'a')}]);
    assert.equal(reduceServerEvent(state, {type: 'from.the.future'} as unknown as ServerEvent), state);
  });

  it("a peer's status follows its static tunnels' status events, as the API's summary does (it stayed online)", () => {
    let state = fold([{type: 'peer.added', peer: peer(1, 'a', [staticTunnel(1), staticTunnel(2)])}]);
    assert.equal(state.peers[0]!.status, 'online');
    state = fold([{type: 'static_tunnel.status', peer_id: 1, static_tunnel: staticTunnel(2, {status: 'connecting'})}], state);
    assert.equal(state.peers[0]!.status, 'connecting');
    state = fold([{type: 'static_tunnel.status', peer_id: 1, static_tunnel: staticTunnel(2, {status: 'offline', last_error: 'refused'})}], state);
    assert.equal(state.peers[0]!.status, 'offline');
    state = fold([{type: 'static_tunnel.status', peer_id: 1, static_tunnel: staticTunnel(2, {status: 'online'})}], state);
    assert.equal(state.peers[0]!.status, 'online');
  });
});

// ---------------------------------------------------------------- connections, drains, latencies

function connectionOf(id: number, channelId: number, tunnelId: number, overrides: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return connectionInfo(id, {
    channel_id: channelId,
    tunnel_id: tunnelId,
    source: {address: '10.0.0.9', port: 50000 + id},
    last_activity_at: '2026-11-27T14:33:01.500Z',
    idle_ms: 500,
    ...overrides,
  });
}

type StatsEvent = Extract<ServerEvent, {type: 'stats'}>;
const STATS: StatsEvent = {type: 'stats', at: '2026-11-27T14:33:05.000Z', tunnels: [], static_tunnels: []};

describe('reduceServerEvent: connections, drains and latencies', () => {
  const start = fold([{type: 'snapshot', server: SERVER_INFO, channels: [channel(1), channel(2)], tunnels: [tunnel(1, 1), tunnel(1, 2), tunnel(2, 1)], peers: [], connections: [connectionOf(3, 1, 1)], connections_omitted: 0}]);
  const ids = (state: StreamedServer) => [...state.connections.keys()].sort((a, b) => a - b);

  it('a stats frame copies durations and connect latencies too (they were left behind), and only those it carries', () => {
    const connect = {p50: 0.41, p90: 2.25, history: [null, 0.38, 0.45]};
    let state = fold([{...STATS, tunnels: [{channel_id: 1, id: 1, connections: {active: 1, total: 9}, bytes: {sent: 5, received: 6}, durations_ms: {p50: 5, p90: 40}, connect_ms: connect}]}], start);
    assert.deepEqual(state.tunnels.get('1/1'), {...tunnel(1, 1), connections: {active: 1, total: 9}, bytes: {sent: 5, received: 6}, durations_ms: {p50: 5, p90: 40}, connect_ms: connect, connectAsOf: Date.parse(STATS.at)});
    state = fold([{...STATS, tunnels: [{channel_id: 1, id: 1, connections: {active: 0, total: 9}, bytes: {sent: 5, received: 6}}]}], state);
    assert.deepEqual([state.tunnels.get('1/1')!.durations_ms, state.tunnels.get('1/1')!.connect_ms], [{p50: 5, p90: 40}, connect]);
  });

  it("the time each tunnel's connect history was told: the snapshot's and the stats frames' at", () => {
    const connect = {p50: 0.41, p90: 2.25, history: [null, 0.38]};
    const snapshotAt = '2026-11-27T14:33:00.250Z';
    const asOf = (state: StreamedServer) => Object.fromEntries([...state.tunnels].map(([key, tunnel]) => [key, tunnel.connectAsOf]));
    let state = fold([{type: 'snapshot', at: snapshotAt, server: SERVER_INFO, channels: [channel(1), channel(2)], tunnels: [tunnel(1, 1, {connect_ms: connect}), tunnel(1, 2), tunnel(2, 1, {connect_ms: connect})], peers: []}]);
    assert.deepEqual(asOf(state), {'1/1': Date.parse(snapshotAt), '1/2': undefined, '2/1': Date.parse(snapshotAt)}, 'only tunnels that have a history');
    // A frame that tells 1/2's history, and 1/1's counters only: 1/1 keeps the snapshot's time.
    state = fold([{...STATS, tunnels: [
      {channel_id: 1, id: 2, connections: {active: 1, total: 1}, bytes: {sent: 1, received: 1}, connect_ms: connect},
      {channel_id: 1, id: 1, connections: {active: 1, total: 1}, bytes: {sent: 1, received: 1}},
    ]}], state);
    assert.deepEqual(asOf(state), {'1/1': Date.parse(snapshotAt), '1/2': Date.parse(STATS.at), '2/1': Date.parse(snapshotAt)});
    const older = fold([{type: 'snapshot', server: SERVER_INFO, channels: [channel(1)], tunnels: [tunnel(1, 1, {connect_ms: connect})], peers: []}]);
    assert.deepEqual(asOf(older), {'1/1': undefined}, 'a snapshot without at (an older server of ours): no time, nothing slides');
  });

  it('the snapshot lists connections; connection.opened adds, stats update, connection.closed removes and sums the short-lived', () => {
    assert.deepEqual(ids(start), [3]);
    let state = fold([{type: 'connection.opened', at: '2026-11-27T14:33:02.000Z', connections: [connectionOf(4, 1, 2), connectionOf(5, 2, 1), connectionOf(6, 9, 9)], omitted: 0}], start);
    assert.deepEqual(ids(state), [3, 4, 5], 'a connection of an unknown tunnel is not kept');
    state = fold(
      [
        {
          ...STATS,
          connections: [{id: 4, state: 'half-closed', ended: 'sent', bytes: {sent: 11, received: 4096}, rate: {sent: 0, received: 1024}, last_activity_at: '2026-11-27T14:33:04.000Z'}],
          connections_omitted: 0,
        },
      ],
      state,
    );
    assert.deepEqual(state.connections.get(4), connectionOf(4, 1, 2, {state: 'half-closed', ended: 'sent', bytes: {sent: 11, received: 4096}, rate: {sent: 0, received: 1024}, last_activity_at: '2026-11-27T14:33:04.000Z', idle_ms: 1000}));
    assert.equal(state.connections.get(3), start.connections.get(3), 'a connection that did not move is the same object');
    const closed = {closed_at: '2026-11-27T14:33:06.000Z', duration_ms: 4000, bytes: {sent: 1, received: 2}, aborted: false};
    state = fold(
      [
        {
          type: 'connection.closed',
          at: '2026-11-27T14:33:06.000Z',
          connections: [{id: 4, channel_id: 1, tunnel_id: 2, ...closed}],
          omitted: 0,
          short_lived: [{channel_id: 1, tunnel_id: 1, count: 998, aborted: 2, bytes: {sent: 9980, received: 9981}}],
        },
        {type: 'connection.closed', at: '2026-11-27T14:33:07.000Z', connections: [], omitted: 0, short_lived: [{channel_id: 1, tunnel_id: 1, count: 2, aborted: 0, bytes: {sent: 20, received: 19}}]},
      ],
      state,
    );
    assert.deepEqual(ids(state), [3, 5]);
    assert.deepEqual(Object.fromEntries(state.shortLived), {'1/1': {count: 1000, aborted: 2, sent: 10_000, received: 10_000}});
  });

  it('tunnel.draining marks the tunnel; tunnel.deleted and channel.closed take their connections and totals', () => {
    let state = fold(
      [
        {type: 'connection.opened', at: '2026-11-27T14:33:02.000Z', connections: [connectionOf(4, 1, 2), connectionOf(5, 2, 1)], omitted: 0},
        {type: 'connection.closed', at: '2026-11-27T14:33:03.000Z', connections: [], omitted: 0, short_lived: [{channel_id: 1, tunnel_id: 2, count: 1, aborted: 1, bytes: {sent: 0, received: 0}}]},
        {type: 'tunnel.draining', at: '2026-11-27T14:33:04.000Z', channel_id: 1, tunnel_id: 2},
      ],
      start,
    );
    assert.deepEqual([state.tunnels.get('1/2')!.state, state.tunnels.get('1/1')!.state], ['draining', undefined]);
    state = fold([{type: 'tunnel.deleted', channel_id: 1, tunnel_id: 2}], state);
    assert.deepEqual([ids(state), [...state.shortLived.keys()]], [[3, 5], []]);
    state = fold([{type: 'channel.closed', channel_id: 1}], state);
    assert.deepEqual(ids(state), [5]);
    assert.equal(fold([{type: 'tunnel.draining', at: '', channel_id: 7, tunnel_id: 7}], state), state, 'an unknown tunnel changes nothing');
  });

  it('a new snapshot replaces the connections, keeps the totals of tunnels still there; a list replaces them', () => {
    let state = fold([{type: 'connection.closed', at: '', connections: [], omitted: 0, short_lived: [{channel_id: 2, tunnel_id: 1, count: 3, aborted: 0, bytes: {sent: 1, received: 1}}]}], start);
    state = fold([{type: 'snapshot', server: SERVER_INFO, channels: [channel(2)], tunnels: [tunnel(2, 1)], peers: []}], state);
    assert.deepEqual([ids(state), [...state.shortLived.keys()]], [[], ['2/1']]);
    state = withConnectionList(state, [connectionOf(8, 2, 1), connectionOf(9, 1, 1)]);
    assert.deepEqual(ids(state), [8], 'a listed connection of a tunnel not known is left out');
  });

  it('omissionOf: rows missing (list now) or only counters lagging', () => {
    assert.deepEqual(
      [
        omissionOf({type: 'snapshot', server: SERVER_INFO, channels: [], tunnels: [], peers: [], connections: [], connections_omitted: 2}),
        omissionOf({type: 'snapshot', server: SERVER_INFO, channels: [], tunnels: [], peers: []}),
        omissionOf({type: 'connection.opened', at: '', connections: [], omitted: 1}),
        omissionOf({type: 'connection.closed', at: '', connections: [], omitted: 1, short_lived: []}),
        omissionOf({type: 'connection.closed', at: '', connections: [], omitted: 0, short_lived: []}),
        omissionOf({...STATS, connections_omitted: 40}),
        omissionOf({...STATS}),
        omissionOf({type: 'peer.removed', peer_id: 1}),
      ],
      ['rows', null, 'rows', 'rows', null, 'counters', null, null],
    );
  });
});
