/**
 * The stream extension within the server's limit of websockets per tunnel that carry no
 * connection (`waiting_websockets_per_tunnel`): the server tells a stream client half of it,
 * the client's forward pool keeps within that through a burst (so the server never refuses
 * it), and the server's own reverse pool keeps within the limit.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {Socket} from 'node:net';
import type {TestContext} from 'node:test';
import {ForwardClientTunnel} from '../../../source/client/client-tunnel.js';
import {channelStreams} from '../../../source/server/channels/channel-streams.js';
import type {ReverseServerTunnel} from '../../../source/server/channels/server-tunnel.js';
import {deferrer} from '../../helpers/cleanup.js';
import {startHalfOpenEcho} from '../../helpers/half-close.js';
import {openHalfOpen, readToEnd} from '../../helpers/half-open.js';
import {eventually} from '../../helpers/netunnel.js';
import {rawRequest} from '../../helpers/raw-http.js';
import {within} from '../../helpers/streams.js';
import {startTunnel, type Direction} from '../../helpers/tunnels.js';

const LIMIT = 8;

test('what a channel of a given limit gets: its reverse pools within it, half of it told to the client', () => {
  assert.deepEqual(channelStreams(1024), {reversePool: {maxIdle: 256, minIdle: 1, maxUnused: 1024}, clientIdleLimit: 512});
  assert.deepEqual(channelStreams(8, {minIdle: 2, maxIdle: 64, idleTimeoutMs: 100}), {
    reversePool: {minIdle: 2, maxIdle: 8, idleTimeoutMs: 100, maxUnused: 8},
    clientIdleLimit: 4,
  });
  assert.equal(channelStreams(1).clientIdleLimit, 1);
});

test('POST /channels tells a stream client half the limit', async (t) => {
  const defer = deferrer(t);
  const echo = await startHalfOpenEcho(defer);
  const {server, client} = await startTunnel(t, 'forward', echo.port, {server: {limits: {waiting_websockets_per_tunnel: LIMIT}}});
  const url = `http://127.0.0.1:${server.address!.port}`;
  const answer = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12', features: ['stream']}});
  assert.equal((answer.json as {idle_websockets_per_tunnel: number}).idle_websockets_per_tunnel, LIMIT / 2);
  assert.ok(client.serverHas('stream'));
});

/** 40 connections held open at once, then ended; resolves once all were echoed. */
async function burst(defer: ReturnType<typeof deferrer>, entrancePort: number): Promise<void> {
  const apps: Socket[] = await Promise.all(Array.from({length: 40}, () => openHalfOpen(defer, entrancePort)));
  await Promise.all(
    apps.map(async (app, index) => {
      const echoed = new Promise<Buffer>((resolve) => app.once('data', resolve));
      app.write(`connection ${index}`);
      assert.equal((await within(echoed, 10_000, 'the echo')).toString(), `connection ${index}`);
    }),
  );
  await Promise.all(
    apps.map(async (app) => {
      const ended = readToEnd(app);
      app.end();
      await within(ended, 10_000, "the echo's end");
    }),
  );
}

async function limitedTunnel(t: TestContext, direction: Direction) {
  const defer = deferrer(t);
  const echo = await startHalfOpenEcho(defer);
  const setup = await startTunnel(t, direction, echo.port, {server: {limits: {waiting_websockets_per_tunnel: LIMIT}}});
  const pool = setup.tunnel instanceof ForwardClientTunnel ? setup.tunnel.websocketPool! : (setup.serverTunnel as ReverseServerTunnel).websocketPool!;
  return {...setup, defer, pool};
}

test("forward: through bursts the client's pool keeps within what it was told, and the server refuses nothing", async (t) => {
  const {defer, pool, entrancePort, server, serverTunnel} = await limitedTunnel(t, 'forward');
  assert.deepEqual([pool.maxIdle, pool.maxUnused], [LIMIT / 2, LIMIT / 2]);
  let most = 0;
  const sampler = setInterval(() => (most = Math.max(most, pool.idleCount + pool.openingCount)), 1);
  defer(() => clearInterval(sampler));
  // The second burst comes while the first one's websockets beyond maxIdle are being closed: the
  // server still holds those, so new ones are asked for only as they go.
  await burst(defer, entrancePort);
  await burst(defer, entrancePort);
  await eventually(() => pool.busyCount === 0 && pool.openingCount === 0 && pool.closingCount === 0, 5000, 'every websocket back or gone');
  assert.ok(pool.idleCount <= LIMIT / 2 && most <= LIMIT / 2, `${pool.idleCount} idle, at most ${most} idle or asked for`);
  assert.equal(server.refusals.get('waiting_websockets_per_tunnel'), 0, 'no websocket refused');
  assert.equal(serverTunnel.traffic.totalConnections, 80);
});

test("reverse: through a burst the server's own pool keeps within the limit", async (t) => {
  const {defer, pool, entrancePort, serverTunnel} = await limitedTunnel(t, 'reverse');
  assert.deepEqual([pool.maxIdle, pool.maxUnused], [LIMIT, LIMIT]);
  let most = 0;
  let mostRequests = 0;
  const sampler = setInterval(() => {
    most = Math.max(most, pool.idleCount + pool.openingCount);
    mostRequests = Math.max(mostRequests, (serverTunnel as ReverseServerTunnel).outstandingRequests);
  }, 1);
  defer(() => clearInterval(sampler));
  await burst(defer, entrancePort);
  await eventually(() => pool.busyCount === 0 && pool.openingCount === 0, 5000, 'every websocket back');
  assert.ok(pool.idleCount <= LIMIT && most <= LIMIT, `${pool.idleCount} idle, at most ${most} idle or asked for`);
  assert.ok(mostRequests >= 2, `a burst asks the client for several websockets at once (${mostRequests} at most)`);
  assert.equal(serverTunnel.traffic.totalConnections, 40);
});
