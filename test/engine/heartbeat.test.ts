/**
 * The heartbeats (PROTOCOL.md 1). The client's: pings at the interval; no pong within half of
 * it terminates the websocket; against a fake server that stops answering pings, the client
 * drops its channel and says why. The server's (watchLiveness): pings at the interval, and
 * two intervals without a sign of life terminate the websocket.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import WebSocket from 'ws';
import {formatSilence, heartbeatSilenceMs, keepAlive, watchLiveness} from '../../source/engine/heartbeat.js';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {within} from '../helpers/streams.js';
import {websocketPair} from '../helpers/websockets.js';
import {startPair} from '../helpers/tunnels.js';
import {startFakeServer} from '../helpers/fake-server.js';

/** Resolves once `websocket` has received `count` pings. */
function pings(websocket: WebSocket, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    websocket.on('ping', () => {
      seen += 1;
      if (seen === count) resolve();
    });
  });
}

describe('keepAlive on a websocket', () => {
  test('a peer that answers pings keeps the websocket open', async (t) => {
    const pair = await websocketPair();
    t.after(() => pair.close());
    // Intervals are short for the test; the pong deadline (half of one) must still survive a busy machine.
    keepAlive(pair.client, 250);
    await within(pings(pair.server, 4), 10_000, 'four pings');
    assert.equal(pair.client.readyState, WebSocket.OPEN);
  });

  test('a peer that stops answering gets the websocket terminated within half an interval', async (t) => {
    const pair = await websocketPair({autoPong: false});
    t.after(() => pair.close());
    keepAlive(pair.client, 100);
    const pinged = pings(pair.server, 1);
    const closed = once(pair.client, 'close');
    await within(pinged, 10_000, 'a ping');
    const pingedAt = Date.now();
    const [code] = await within(closed, 10_000, 'the heartbeat timeout');
    assert.equal(code, 1006, 'terminated, not closed politely');
    assert.ok(Date.now() - pingedAt < 5000, 'terminated by the heartbeat, not by something slower');
    const silence = heartbeatSilenceMs(pair.client);
    assert.ok(silence !== undefined && silence >= 140, `the silence is recorded: ${silence} ms (a ping at 100 ms, then 50 ms without pong)`);
  });

  test('a websocket closed by its peer records no heartbeat silence', async (t) => {
    const pair = await websocketPair();
    t.after(() => pair.close());
    keepAlive(pair.client, 100);
    const closed = once(pair.client, 'close');
    pair.server.close(1000);
    assert.equal((await within(closed, 10_000, 'the close'))[0], 1000);
    assert.equal(heartbeatSilenceMs(pair.client), undefined);
  });
});

describe('watchLiveness (the server side)', () => {
  test('round trips: from each ping to the pong after it; a pong asked by no ping is no round trip', async (t) => {
    const pair = await websocketPair({autoPong: false});
    t.after(() => pair.close());
    const trips: number[] = [];
    let answers = 0;
    // The peer answers each ping 30 ms late, and once sends a pong of its own between two pings.
    pair.server.on('ping', () =>
      setTimeout(() => {
        pair.server.pong();
        answers += 1;
        if (answers === 1) setTimeout(() => pair.server.pong(), 10);
      }, 30),
    );
    const threeTrips = new Promise<void>((resolve) =>
      watchLiveness(pair.client, 100, undefined, (ms) => {
        trips.push(ms);
        if (trips.length === 3) resolve();
      }),
    );
    await within(threeTrips, 10_000, 'three round trips');
    assert.equal(trips.length, 3, 'the pong of its own made no round trip');
    for (const ms of trips) assert.ok(ms >= 29 && ms < 5000, `a round trip of ${ms} ms includes the 30 ms delay`);
  });

  test('a peer that answers pings is kept', async (t) => {
    const pair = await websocketPair();
    t.after(() => pair.close());
    let silent = false;
    watchLiveness(pair.server, 100, () => (silent = true));
    // Six pings: three times the two-interval deadline.
    await within(pings(pair.client, 6), 10_000, 'six pings');
    assert.equal(pair.server.readyState, WebSocket.OPEN);
    assert.equal(silent, false);
  });

  test('a peer that answers nothing for two intervals is terminated, and the silence reported', async (t) => {
    // The accepting side does not answer pings here, so the connecting side is the watched one.
    const pair = await websocketPair({autoPong: false});
    t.after(() => pair.close());
    const reported: number[] = [];
    const started = Date.now();
    watchLiveness(pair.client, 100, (silentMs) => reported.push(silentMs));
    const [code] = await within(once(pair.client, 'close'), 10_000, 'the termination');
    const elapsed = Date.now() - started;
    assert.equal(code, 1006, 'terminated, not closed politely');
    assert.ok(elapsed >= 195 && elapsed < 5000, `two intervals of silence: ${elapsed} ms`);
    assert.equal(reported.length, 1);
    assert.ok(reported[0]! >= 195, `reported silence ${reported[0]} ms`);
    assert.equal(heartbeatSilenceMs(pair.client), reported[0]);
  });

  test('frames from the peer count as life; a stopped watch neither pings nor terminates', async (t) => {
    const talking = await websocketPair({autoPong: false});
    const stopped = await websocketPair({autoPong: false});
    const clock = await websocketPair({autoPong: false});
    t.after(() => Promise.all([talking.close(), stopped.close(), clock.close()]));
    const talker = setInterval(() => talking.server.send('still here'), 40);
    t.after(() => clearInterval(talker));
    watchLiveness(talking.client, 100);
    const stop = watchLiveness(stopped.client, 100);
    stop();
    let pinged = false;
    stopped.server.on('ping', () => (pinged = true));
    // A silent, watched one is the clock: once it is terminated, the other two had as long.
    watchLiveness(clock.client, 100);
    await within(once(clock.client, 'close'), 10_000, 'the silent one to be terminated');
    assert.equal(talking.client.readyState, WebSocket.OPEN, 'a peer sending frames is alive');
    assert.equal(stopped.client.readyState, WebSocket.OPEN, 'a stopped watch never terminates');
    assert.equal(pinged, false, 'a stopped watch never pings');
  });

  test('formatSilence', () => {
    assert.deepEqual([formatSilence(300), formatSilence(9_949), formatSilence(30_000), formatSilence(40_400)], ['0.3 s', '9.9 s', '30 s', '40 s']);
  });
});

describe('the client heartbeat', () => {
  test('a server that stops answering pings: the control websocket is terminated and the client emits disconnected', async (t) => {
    const fake = await startFakeServer(t, {autoPong: false});
    const client = new NetunnelClient({serverUrl: fake.url, heartbeatMs: 200});
    t.after(() => client.close());
    await client.connect();
    const serverSide = await within(fake.control, 10_000, 'the control websocket');
    const pinged = pings(serverSide, 1);
    const disconnected = once(client, 'disconnected');
    await within(pinged, 10_000, 'the first ping');
    const [reason] = await within(disconnected, 10_000, 'the disconnection');
    assert.match(reason, new RegExp(`^Lost the server ${fake.url}: no answer to pings for \\d+\\.\\d s$`));
    assert.equal(client.connected, false);
  });

  test('a server that answers pings keeps the client connected', async (t) => {
    const fake = await startFakeServer(t, {autoPong: true});
    const client = new NetunnelClient({serverUrl: fake.url, heartbeatMs: 250});
    t.after(() => client.close());
    let disconnected = false;
    client.on('disconnected', () => (disconnected = true));
    await client.connect();
    await within(pings(await fake.control, 4), 10_000, 'four pings');
    assert.equal(client.connected, true);
    assert.equal(disconnected, false);
  });

  test('our server answers the heartbeat and counts it as activity', async (t) => {
    const {client, server} = await startPair(t, {client: {heartbeatMs: 250}});
    const channel = server.channels.get(client.channelId);
    const seen = new Set<number>();
    await within(
      new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          seen.add(channel.lastSeenAt.getTime());
          if (seen.size >= 4) {
            clearInterval(timer);
            resolve();
          }
        }, 20);
      }),
      10_000,
      'four heartbeats',
    );
    assert.equal(client.connected, true);
  });
});
