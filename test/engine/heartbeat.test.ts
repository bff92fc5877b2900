/**
 * The client's heartbeat (PROTOCOL.md 1): pings at the interval; no pong within half of it
 * terminates the websocket. Against a fake server that stops answering pings, the client
 * drops its channel and says so.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import WebSocket from 'ws';
import {keepAlive} from '../../source/engine/heartbeat.js';
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
    await pinged;
    const pingedAt = Date.now();
    const [code] = await within(closed, 10_000, 'the heartbeat timeout');
    assert.equal(code, 1006, 'terminated, not closed politely');
    assert.ok(Date.now() - pingedAt < 5000, 'terminated by the heartbeat, not by something slower');
  });
});

describe('the client heartbeat', () => {
  test('a server that stops answering pings: the control websocket is terminated and the client emits disconnected', async (t) => {
    const fake = await startFakeServer(t, {autoPong: false});
    const client = new NetunnelClient({serverUrl: fake.url, heartbeatMs: 200});
    t.after(() => client.close());
    await client.connect();
    const serverSide = await fake.control;
    const pinged = pings(serverSide, 1);
    const disconnected = once(client, 'disconnected');
    await within(pinged, 10_000, 'the first ping');
    assert.deepEqual(await within(disconnected, 10_000, 'the disconnection'), [`The connection to ${fake.url} was lost`]);
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
