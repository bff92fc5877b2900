/** The live connection filling the store from events (ours) or polling (1.0.12-like), retrying a lost server. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import * as commands from '../../source/console/commands.js';
import * as configuration from '../../source/console/configuration-commands.js';
import {ManagementClient} from '../../source/client/management-client.js';
import {steadyRtt} from '../../source/console/connection.js';
import {ConsoleSession} from '../../source/console/session.js';
import type {ServerView} from '../../source/console/store.js';
import {FAST_STATIC_TUNNELS, eventually, startServer} from '../helpers/netunnel.js';
import {exchange, freePort, randomPayload, startEchoServer} from '../helpers/tcp.js';
import {FakeConsoleApi, SERVER_INFO, channel, peer, staticTunnel, tunnel} from '../helpers/fake-console-api.js';

/** Static tunnel ports of this file (each test file has its own range). */
const STATIC_PORTS = {min: 20700, max: 20800};

const FAST = {pollMs: 20, probeMs: 50, sampleMs: 20, retryMinMs: 10, retryMaxMs: 40, downAfterMs: 100};

function sessionWith(api: FakeConsoleApi, timing = FAST) {
  const session = new ConsoleSession({createApi: () => api, timing});
  const entry = session.addServer({name: 'fake', url: api.serverUrl});
  const view = () => session.store.getServer(entry.key)!;
  return {session, entry, view};
}

describe('ServerConnection round-trip times', () => {
  it('steadyRtt ignores jitter but follows real changes', () => {
    assert.equal(steadyRtt(null, 3.4), 3);
    assert.equal(steadyRtt(3, 4.6), 3);
    assert.equal(steadyRtt(3, 9), 9);
    assert.equal(steadyRtt(100, 120), 100);
    assert.equal(steadyRtt(100, 140), 140);
  });
});

describe('ServerConnection with an event stream', () => {
  it('applies the snapshot and every kind of change', async () => {
    const api = new FakeConsoleApi();
    const {session, view} = sessionWith(api);
    try {
      await eventually(() => api.subscribers === 1, 5000, 'a subscription');
      assert.equal(view().status, 'connecting');
      api.emit({type: 'snapshot', server: SERVER_INFO, channels: [channel(1)], tunnels: [tunnel(1, 1)], peers: [peer(2, 'b'), peer(1, 'a')]});
      let current: ServerView = view();
      assert.equal(current.status, 'connected');
      assert.equal(current.mode, 'management');
      assert.equal(current.version, '0.1.0');
      assert.deepEqual(current.peers.map((item) => item.name), ['a', 'b']);
      assert.deepEqual(current.tunnels.map((row) => row.key), ['1/1']);

      api.emit({type: 'channel.opened', channel: channel(2)});
      api.emit({type: 'tunnel.created', tunnel: tunnel(2, 1, {direction: 'reverse'})});
      current = view();
      assert.deepEqual(current.channels.map((item) => [item.id, item.tunnel_count]), [[1, 0], [2, 1]]);
      assert.deepEqual(current.tunnels.map((row) => row.key), ['1/1', '2/1']);

      api.emit({type: 'stats', at: '', tunnels: [{channel_id: 2, id: 1, connections: {active: 1, total: 4}, bytes: {sent: 1000, received: 20}}], static_tunnels: []});
      const row = view().tunnels.find((item) => item.key === '2/1')!;
      assert.deepEqual([row.active, row.total, row.sent, row.received], [1, 4, 1000, 20]);
      await eventually(() => (view().tunnels.find((item) => item.key === '2/1')?.history.length ?? 0) >= 1, 5000, 'a rate sample');

      api.emit({type: 'tunnel.deleted', channel_id: 2, tunnel_id: 1});
      assert.deepEqual(view().tunnels.map((item) => item.key), ['1/1']);
      api.emit({type: 'channel.closed', channel_id: 1});
      assert.deepEqual(view().channels.map((item) => item.id), [2]);
      assert.deepEqual(view().tunnels, [], "a closed channel's tunnels go with it");

      api.emit({type: 'peer.added', peer: peer(3, 'c', [staticTunnel(1)])});
      api.emit({type: 'peer.changed', peer: peer(1, 'a2')});
      api.emit({type: 'peer.removed', peer_id: 2});
      api.emit({type: 'static_tunnel.status', peer_id: 3, static_tunnel: staticTunnel(1, {status: 'offline', last_error: 'Connection refused'})});
      api.emit({type: 'stats', at: '', tunnels: [], static_tunnels: [{peer_id: 3, id: 1, connections: {active: 0, total: 2}, bytes: {sent: 5, received: 6}}]});
      current = view();
      assert.deepEqual(current.peers.map((item) => item.name), ['a2', 'c']);
      assert.deepEqual(current.peers[1]!.static_tunnels[0], staticTunnel(1, {status: 'offline', last_error: 'Connection refused', connections: {active: 0, total: 2}, bytes: {sent: 5, received: 6}}));
    } finally {
      await session.close();
    }
  });

  it('marks the data stale while the stream reconnects, and fresh again after the new snapshot', async () => {
    const api = new FakeConsoleApi();
    const {session, view} = sessionWith(api);
    try {
      await eventually(() => api.subscribers === 1, 5000, 'a subscription');
      api.emit({type: 'snapshot', server: SERVER_INFO, channels: [channel(1)], tunnels: [], peers: []});
      api.emitState('reconnecting', 'Cannot reach http://127.0.0.1:4040: connect ECONNREFUSED');
      assert.equal(view().status, 'reconnecting');
      assert.equal(view().stale, true);
      assert.equal(view().detail, 'Cannot reach http://127.0.0.1:4040: connect ECONNREFUSED');
      assert.deepEqual(view().channels.map((item) => item.id), [1], 'the last known data stays');
      api.emit({type: 'snapshot', server: SERVER_INFO, channels: [channel(5)], tunnels: [], peers: []});
      assert.equal(view().status, 'connected');
      assert.equal(view().stale, false);
      assert.equal(view().detail, null);
      assert.deepEqual(view().channels.map((item) => item.id), [5]);
    } finally {
      await session.close();
    }
  });

  it("says the console's tunnels were reopened even when that comes before the live connection sees the server again", async () => {
    const api = new FakeConsoleApi();
    const {session, entry} = sessionWith(api);
    const notices: string[] = [];
    session.on('notice', (text) => notices.push(text));
    try {
      await eventually(() => api.subscribers === 1, 5000, 'a subscription');
      api.emit({type: 'snapshot', server: SERVER_INFO, channels: [], tunnels: [], peers: []});
      api.emitState('reconnecting', 'Cannot reach http://127.0.0.1:4040: connect ECONNREFUSED');
      // The own channel's reopening won the race against the event stream's reconnect.
      entry.handle.emit('ownTunnelsReopened', 1, []);
      api.emit({type: 'snapshot', server: SERVER_INFO, channels: [], tunnels: [], peers: []});
      assert.equal(notices.length, 2);
      assert.equal(notices[0], "Reopened the console's 1 tunnel(s) on fake, on the same ports");
      assert.match(notices[1]!, /^Reopened the console's 1 tunnel\(s\) on fake, on the same ports; it was away \d+ ?m?s \(lost: Cannot reach http:\/\/127\.0\.0\.1:4040: connect ECONNREFUSED\)$/);

      // In the usual order the reopening's notice comes last and stands alone.
      api.emitState('reconnecting', 'Cannot reach http://127.0.0.1:4040: connect ECONNREFUSED');
      api.emit({type: 'snapshot', server: SERVER_INFO, channels: [], tunnels: [], peers: []});
      entry.handle.emit('ownTunnelsReopened', 1, []);
      assert.match(notices[2]!, /^fake is back after \d+ ?m?s \(lost: Cannot reach http:\/\/127\.0\.0\.1:4040: connect ECONNREFUSED\)$/);
      assert.equal(notices[3], "Reopened the console's 1 tunnel(s) on fake, on the same ports");
      assert.equal(notices.length, 4);
    } finally {
      await session.close();
    }
  });

  it('does nothing at all while nothing changes', async () => {
    const api = new FakeConsoleApi();
    // Round-trip probes are left out here: their jitter rule is tested with steadyRtt.
    const {session, view} = sessionWith(api, {...FAST, probeMs: 60_000});
    try {
      await eventually(() => api.subscribers === 1, 5000, 'a subscription');
      api.emit({type: 'snapshot', server: SERVER_INFO, channels: [], tunnels: Array.from({length: 50}, (_, index) => tunnel(1, index + 1)), peers: []});
      await eventually(() => view().rttMs !== null, 5000, 'a round-trip time');
      let changes = 0;
      session.store.subscribe(() => (changes += 1));
      // Many rate samples later (sampleMs is 20 ms here):
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(changes, 0);
    } finally {
      await session.close();
    }
  });
});

describe('ServerConnection without an event stream', () => {
  it('polls peers, says down when unreachable and connected again when back', async () => {
    const api = new FakeConsoleApi();
    api.info = null;
    api.knownPeers = [peer(1, 'a', [staticTunnel(1)])];
    const {session, view} = sessionWith(api);
    try {
      await eventually(() => view().status === 'connected', 5000, 'connected');
      assert.equal(view().mode, 'legacy');
      assert.deepEqual(view().peers.map((item) => item.name), ['a']);
      api.knownPeers = [...api.knownPeers, peer(2, 'b')];
      await eventually(() => view().peers.length === 2, 5000, 'the next poll');
      api.reachable = false;
      await eventually(() => view().status === 'down', 5000, 'down');
      assert.equal(view().stale, true);
      assert.equal(view().detail, 'Cannot reach http://127.0.0.1:4040: connect ECONNREFUSED');
      assert.equal(view().peers.length, 2);
      api.reachable = true;
      await eventually(() => view().status === 'connected' && !view().stale, 5000, 'connected again');
      assert.equal(api.subscribers, 0);
    } finally {
      await session.close();
    }
  });

  it("without events, asks the server at once when the console's own channel is lost (not at the next poll)", async () => {
    const api = new FakeConsoleApi();
    api.info = null;
    const {session, entry, view} = sessionWith(api, {...FAST, pollMs: 60_000});
    try {
      await eventually(() => view().status === 'connected' && view().mode === 'legacy', 5000, 'connected');
      api.reachable = false;
      entry.handle.emit('ownChannelLost', 'the control websocket closed (1006)');
      await eventually(() => view().status !== 'connected', 5000, 'the server seen gone well before the next poll');
      assert.equal(view().detail, 'Cannot reach http://127.0.0.1:4040: connect ECONNREFUSED');
    } finally {
      await session.close();
    }
  });

  it('retries a server that cannot be reached at first', async () => {
    const api = new FakeConsoleApi();
    api.reachable = false;
    const {session, view} = sessionWith(api);
    try {
      await eventually(() => view().status === 'down', 5000, 'down');
      api.reachable = true;
      await eventually(() => api.subscribers === 1, 5000, 'the retry to subscribe');
    } finally {
      await session.close();
    }
  });
});

describe('ServerConnection against real servers', () => {
  it("shows the console's own tunnel and its live counters from our server's events", async () => {
    const {server, url} = await startServer();
    const echo = await startEchoServer();
    const session = new ConsoleSession({createApi: (target) => new ManagementClient({serverUrl: target.url}), timing: {sampleMs: 50}});
    const entry = session.addServer({name: 'ours', url});
    const view = () => session.store.getServer(entry.key)!;
    try {
      await eventually(() => view().status === 'connected', 5000, 'connected');
      const opened = await commands.openForwardTunnel(entry.handle, {exitPort: echo.port});
      await eventually(() => view().tunnels.some((row) => row.own && row.id === opened.tunnelId), 5000, 'the own tunnel');
      assert.equal(view().ownChannelId, opened.channelId);
      assert.deepEqual(view().channels.map((item) => item.id), [opened.channelId]);
      const payload = randomPayload(12_345);
      assert.deepEqual(await exchange(opened.entrance.port, payload), payload);
      await eventually(() => view().tunnels[0]!.sent === 12_345 && view().tunnels[0]!.received === 12_345, 5000, 'the counters');
      assert.deepEqual(view().tunnels[0]!.entrance, opened.entrance);
      await commands.closeTunnel(entry.handle, {channelId: opened.channelId, tunnelId: opened.tunnelId});
      await eventually(() => view().tunnels.length === 0, 5000, 'the tunnel to go');
    } finally {
      await session.close();
      await server.close();
      await echo.close();
    }
  });

  it("shows the console's own tunnels with local counters on a server without the management API", async () => {
    const {server, url} = await startServer({extensions: false});
    const echo = await startEchoServer();
    const session = new ConsoleSession({createApi: (target) => new ManagementClient({serverUrl: target.url}), timing: {sampleMs: 50, pollMs: 100}});
    const entry = session.addServer({name: 'legacy', url});
    const view = () => session.store.getServer(entry.key)!;
    try {
      await eventually(() => view().status === 'connected', 5000, 'connected');
      assert.equal(view().mode, 'legacy');
      await assert.rejects(commands.openReverseTunnel(entry.handle, {exitPort: echo.port}), {
        message: 'entrance port is required: this server does not tell which port it would choose',
      });
      const entrancePort = await freePort();
      const opened = await commands.openReverseTunnel(entry.handle, {exitPort: echo.port, entrancePort});
      assert.equal(opened.entrance.port, entrancePort);
      await eventually(() => view().tunnels.length === 1, 5000, 'the own tunnel');
      assert.equal(view().tunnels[0]!.own, true);
      assert.equal(view().tunnels[0]!.direction, 'reverse');
      const payload = randomPayload(777);
      assert.deepEqual(await exchange(opened.entrance.port, payload), payload);
      await eventually(() => view().tunnels[0]?.sent === 777 && view().tunnels[0]?.received === 777, 5000, 'the counters');
      await eventually(() => (view().tunnels[0]?.rate ?? 0) > 0, 5000, 'a rate');
    } finally {
      await session.close();
      await server.close();
      await echo.close();
    }
  });

  it('shows peers and their static tunnels going online: from events on ours, by polling without extensions', async () => {
    const target = await startServer();
    const echo = await startEchoServer();
    for (const extensions of [true, false]) {
      const {server, url} = await startServer({extensions, staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: STATIC_PORTS});
      const session = new ConsoleSession({createApi: (serverTarget) => new ManagementClient({serverUrl: serverTarget.url}), timing: {pollMs: 100}});
      const entry = session.addServer({name: 'with peers', url});
      const view = () => session.store.getServer(entry.key)!;
      try {
        await eventually(() => view().status === 'connected', 5000, 'connected');
        assert.equal(view().mode, extensions ? 'management' : 'legacy');
        const peer = await configuration.addPeer(entry.handle, {name: 'target', url: target.url});
        await eventually(() => view().peers.some((item) => item.name === 'target'), 5000, 'the peer');
        const created = await configuration.addStaticTunnel(entry.handle, peer.id, {remotePort: echo.port});
        await eventually(() => view().peers[0]?.static_tunnels[0]?.status === 'online', 10_000, 'the static tunnel online');
        assert.equal(view().peers[0]!.static_tunnels[0]!.tunnel_local_port, created.tunnel_local_port);
        if (extensions) {
          const payload = randomPayload(999);
          assert.deepEqual(await exchange(created.tunnel_local_port, payload), payload);
          await eventually(() => view().peers[0]?.static_tunnels[0]?.bytes?.sent === 999, 5000, 'the static tunnel counters');
        }
        await configuration.removePeer(entry.handle, peer.id);
        await eventually(() => view().peers.length === 0, 5000, 'the peer to go');
      } finally {
        await session.close();
        await server.close();
      }
    }
    await target.server.close();
    await echo.close();
  });
});
