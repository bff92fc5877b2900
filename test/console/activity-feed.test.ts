/** The activity fields of a server's view: the timeline, the clock offset, and GET /connections when frames left connections out. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ActivityFeed} from '../../source/console/activity-feed.js';
import {EMPTY_STREAMED_SERVER, reduceServerEvent, withConnectionList, type StreamedServer} from '../../source/console/server-events.js';
import type {ServerEvent} from '../../source/protocol/server-events.js';
import {FakeConsoleApi, SERVER_INFO, connectionInfo, tunnel} from '../helpers/fake-console-api.js';
import {eventually} from '../helpers/netunnel.js';

/** A feed over a fake server, folding events as connection.ts does. */
function follow(api: FakeConsoleApi, countersRefreshMs = 5000) {
  let state: StreamedServer = EMPTY_STREAMED_SERVER;
  const lists: number[][] = [];
  const feed = new ActivityFeed(
    api,
    (listed) => {
      lists.push(listed.map((connection) => connection.id));
      state = withConnectionList(state, listed);
    },
    () => state,
    {countersRefreshMs},
  );
  const apply = (event: ServerEvent, receivedAt = Date.now()) => {
    const before = state;
    state = reduceServerEvent(state, event);
    return feed.after(event, before, receivedAt);
  };
  return {feed, apply, lists, ids: () => [...state.connections.keys()].sort((a, b) => a - b), listCalls: () => api.calls.filter((call) => call.startsWith('connections.list')).length};
}

const SNAPSHOT: ServerEvent = {type: 'snapshot', server: SERVER_INFO, channels: [], tunnels: [tunnel(1, 1)], peers: [], connections: [connectionInfo(1)], connections_omitted: 0};

describe('ActivityFeed', () => {
  it('gives the view its connections, short-lived totals and timeline; only timeline events add entries', () => {
    const {apply} = follow(new FakeConsoleApi());
    let fields = apply(SNAPSHOT);
    assert.deepEqual(fields.connections.map((row) => row.key), ['#1']);
    assert.deepEqual(fields.timeline.entries.map((entry) => entry.type), ['snapshot']);
    const timeline = fields.timeline;
    fields = apply({type: 'connection.closed', at: '2026-11-27T14:33:02.000Z', connections: [], omitted: 0, short_lived: [{channel_id: 1, tunnel_id: 1, count: 4, aborted: 1, bytes: {sent: 8, received: 9}}]});
    assert.equal(fields.timeline, timeline, 'the same timeline object: nothing to redraw');
    assert.deepEqual(fields.shortLived, {'1/1': {count: 4, aborted: 1, sent: 8, received: 9}});
  });

  it("learns the server's clock offset from the frames' times, in steps of more than a second", () => {
    const {apply} = follow(new FakeConsoleApi());
    apply(SNAPSHOT);
    const at = Date.parse('2026-11-27T14:33:05.000Z');
    const stats = (offset: number) => apply({type: 'stats', at: '2026-11-27T14:33:05.000Z', tunnels: [], static_tunnels: []}, at + offset).clockOffsetMs;
    assert.deepEqual([stats(30), stats(60_000), stats(60_400), stats(58_500)], [0, 60_000, 60_000, 58_500]);
    const fields = apply({type: 'peer.removed', peer_id: 1}, Date.parse(FALLBACK_LOCAL));
    assert.equal(fields.timeline.entries.at(-1)!.at, new Date(Date.parse(FALLBACK_LOCAL) - 58_500).toISOString(), "an event without a time gets the server's time now");
  });

  it('asks GET /connections at once when rows were omitted, and folds the list in', async () => {
    const api = new FakeConsoleApi();
    const {apply, ids, listCalls} = follow(api);
    api.knownConnections = [connectionInfo(1), connectionInfo(2), connectionInfo(3)];
    apply({...SNAPSHOT, connections_omitted: 2});
    await eventually(() => ids().length === 3, 5000, 'the listed connections');
    assert.deepEqual([ids(), listCalls()], [[1, 2, 3], 1]);
  });

  it('while a list is on its way, a connection closed meanwhile stays closed and one opened stays; a second omission asks again after it', async () => {
    const api = new FakeConsoleApi();
    const {apply, ids, lists, listCalls} = follow(api);
    let release: () => void = () => {};
    api.connectionListGate = new Promise((resolve) => (release = resolve));
    api.knownConnections = [connectionInfo(1), connectionInfo(2)];
    apply({...SNAPSHOT, connections_omitted: 1});
    apply({type: 'connection.closed', at: '', connections: [{id: 2, channel_id: 1, tunnel_id: 1, closed_at: '', duration_ms: 1, bytes: {sent: 0, received: 0}, aborted: false}], omitted: 0, short_lived: []});
    apply({type: 'connection.opened', at: '', connections: [connectionInfo(4)], omitted: 1});
    assert.equal(listCalls(), 1, 'one list at a time');
    api.connectionListGate = undefined;
    release();
    await eventually(() => lists.length === 2, 5000, 'the second list');
    assert.deepEqual(lists[0], [1, 4]);
    assert.deepEqual(ids(), [1, 2], 'the second list is what the server now has');
  });

  it('lists for lagging counters at most every countersRefreshMs, and never after stop', async () => {
    const api = new FakeConsoleApi();
    const {apply, feed, listCalls} = follow(api, 5000);
    apply(SNAPSHOT);
    const lagging = (at: number) => apply({type: 'stats', at: '', tunnels: [], static_tunnels: [], connections: [], connections_omitted: 3}, at);
    lagging(10_000);
    await eventually(() => listCalls() === 1, 5000, 'the first list');
    await new Promise((resolve) => setImmediate(resolve));
    lagging(12_000);
    assert.equal(listCalls(), 1);
    lagging(15_000);
    await eventually(() => listCalls() === 2, 5000, 'the second list');
    feed.stop();
    apply({...SNAPSHOT, connections_omitted: 1});
    assert.equal(listCalls(), 2);
  });
});

const FALLBACK_LOCAL = '2026-11-27T15:00:00.000Z';
