/** The event reducer: each kind of event of our `/events` stream, folded into plain data. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {EMPTY_STREAMED_SERVER, reduceServerEvent, type StreamedServer} from '../../source/console/server-events.js';
import type {ServerEvent} from '../../source/protocol/server-events.js';
import {SERVER_INFO, channel, peer, staticTunnel, tunnel} from '../helpers/fake-console-api.js';

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
