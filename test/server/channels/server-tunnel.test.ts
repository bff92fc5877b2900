/**
 * The server's tunnel halves with the stream extension, end to end between our client and our
 * server: websockets are reused (counted on the wire: what the server accepted), every byte is
 * checked and every TCP connection counted once at both ends; an aborted connection does not
 * poison the next one; the pools grow under a burst and shrink back when idle. With either side
 * speaking the classic wire, one websocket per connection as in 1.0.12.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import {once} from 'node:events';
import WebSocket, {WebSocketServer} from 'ws';
import type {NetunnelClientOptions} from '../../../source/client/netunnel-client.js';
import {ForwardClientTunnel} from '../../../source/client/client-tunnel.js';
import {ForwardServerTunnel, type ReverseServerTunnel} from '../../../source/server/channels/server-tunnel.js';
import type {NetunnelServerOptions} from '../../../source/server/netunnel-server.js';
import {deferrer} from '../../helpers/cleanup.js';
import {inBatches, startHalfOpenEcho} from '../../helpers/half-close.js';
import {echoOnceHalfOpen, openHalfOpen, readToEnd} from '../../helpers/half-open.js';
import {connectClient, eventually, startServer} from '../../helpers/netunnel.js';
import {within} from '../../helpers/streams.js';
import {randomPayload} from '../../helpers/tcp.js';
import {DIRECTIONS, type Direction} from '../../helpers/tunnels.js';
import {startWireRecorder, type WebsocketFrame} from '../../helpers/wire-recorder.js';
import {encodeStartFrame} from '../../../source/protocol/stream-frames.js';
import {openRawChannel} from '../../helpers/raw-channel.js';

/** A tunnel to a half-open echo, the client talking to the server through a wire recorder. */
async function recordedTunnel(t: TestContext, direction: Direction, options: {server?: NetunnelServerOptions; client?: Partial<NetunnelClientOptions>} = {}) {
  const defer = deferrer(t);
  const echo = await startHalfOpenEcho(defer);
  const {server} = await startServer(options.server);
  defer(() => server.close());
  const recorder = await startWireRecorder(server.address!.port);
  defer(() => recorder.close());
  const client = await connectClient(recorder.url, options.client);
  defer(() => client.close());
  const tunnel = direction === 'forward' ? await client.openTunnelToServer({exitPort: echo.port}) : await client.openTunnelToClient({exitPort: echo.port});
  const serverTunnel = server.channels.get(client.channelId).getTunnel(tunnel.id);
  // Without extensions the server does not say which port a reverse tunnel got: its half knows.
  const entrancePort = direction === 'forward' ? tunnel.entrance.port : serverTunnel.entrance!.port;
  const tunnelPath = `/channels/${client.channelId}/tunnels/${tunnel.id}/connect`;
  /** Tunnel websockets the server accepted (101), as seen on the wire. */
  const tunnelWebsockets = () => recorder.upgrades().filter((upgrade) => upgrade.path === tunnelPath && upgrade.status === 101);
  const acceptedWebsockets = () => tunnelWebsockets().length;
  /** Frames from the tunnel's entrance to its exit, per tunnel websocket. */
  const entranceFrames = () => tunnelWebsockets().map((upgrade) => (direction === 'forward' ? upgrade.clientFrames : upgrade.serverFrames));
  const pool = tunnel instanceof ForwardClientTunnel ? tunnel.websocketPool : (serverTunnel as ReverseServerTunnel).websocketPool;
  return {defer, echo, server, client, tunnel, serverTunnel, recorder, tunnelWebsockets, acceptedWebsockets, entranceFrames, pool, entrancePort};
}

for (const direction of DIRECTIONS) {
  describe(`${direction}: websockets reused between our client and our server`, () => {
    // The 1000 forward; fewer reverse, where the same pool runs on the other side.
    const count = direction === 'forward' ? 1000 : 300;

    test(`${count} connections in a row ride a couple of websockets; each counted once at both ends, every byte`, async (t) => {
      const setup = await recordedTunnel(t, direction);
      let bytes = 0;
      for (let index = 0; index < count; index += 1) bytes += await echoOnceHalfOpen(setup.defer, setup.entrancePort, 4 * 1024);
      assert.ok(setup.acceptedWebsockets() <= 3, `the server accepted ${setup.acceptedWebsockets()} tunnel websockets`);
      assert.equal(setup.echo.accepted.length, count, 'the service saw one TCP connection per connection');
      await eventually(() => setup.tunnel.traffic.activeConnections === 0 && setup.serverTunnel.traffic.activeConnections === 0, 10_000, 'every connection to close');
      for (const traffic of [setup.tunnel.traffic, setup.serverTunnel.traffic]) {
        assert.equal(traffic.totalConnections, count);
        assert.equal(traffic.bytesToExit, bytes);
        assert.equal(traffic.bytesToEntrance, bytes);
      }
    });

    test(`${count} connections, 50 at a time, ride far fewer websockets`, async (t) => {
      const pool = {maxIdle: 64};
      const setup = await recordedTunnel(t, direction, {client: {websocketPool: pool}, server: {websocketPool: pool}});
      let bytes = 0;
      await inBatches(count, 50, async () => {
        const carried = await echoOnceHalfOpen(setup.defer, setup.entrancePort, 4 * 1024);
        bytes += carried;
      });
      // At most one per connection in flight, the idle ones ahead of demand, and their replacements.
      assert.ok(setup.acceptedWebsockets() <= 50 + 64, `the server accepted ${setup.acceptedWebsockets()} tunnel websockets`);
      await eventually(() => setup.serverTunnel.traffic.activeConnections === 0, 10_000, 'every connection to close');
      assert.equal(setup.serverTunnel.traffic.totalConnections, count);
      assert.equal(setup.tunnel.traffic.totalConnections, count);
      assert.equal(setup.serverTunnel.traffic.bytesToEntrance, bytes);
    });
  });
}

/** The close code of a close frame (opcode 8), if the frames hold one. */
function closeCodeOf(frames: WebsocketFrame[]): number | undefined {
  const close = frames.find((frame) => frame.opcode === 8);
  return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
}

for (const direction of DIRECTIONS) {
  describe(`${direction}: the pool at the entrance`, () => {
    test('a connection aborted mid-stream closes its websocket (4000), which is never reused; the next connections work', async (t) => {
      const setup = await recordedTunnel(t, direction);
      const app = await openHalfOpen(setup.defer, setup.entrancePort);
      const echoed = new Promise<void>((resolve) => app.once('data', () => resolve()));
      app.write('half of a conversation');
      await within(echoed, 5000, 'the echo');
      app.resetAndDestroy();
      await eventually(() => setup.entranceFrames().some((frames) => closeCodeOf(frames) === 4000), 5000, 'the abort on the wire');
      for (let index = 0; index < 20; index += 1) await echoOnceHalfOpen(setup.defer, setup.entrancePort, 4 * 1024);
      const aborted = setup.entranceFrames().filter((frames) => closeCodeOf(frames) === 4000);
      assert.equal(aborted.length, 1);
      const starts = (frames: WebsocketFrame[]) => frames.filter((frame) => frame.opcode === 2 && frame.payload[0] === 0x53 && frame.payload[1] === 0x01).length;
      assert.equal(starts(aborted[0]!), 1, 'the aborted websocket carried that connection alone');
      await eventually(() => setup.serverTunnel.traffic.activeConnections === 0, 5000, 'every connection to close');
      assert.equal(setup.serverTunnel.traffic.totalConnections, 21);
      assert.equal(setup.tunnel.traffic.totalConnections, 21);
    });

    test('it grows under a burst and shrinks back to its floor when idle', async (t) => {
      const sizing = {minIdle: 1, maxIdle: 16, idleTimeoutMs: 300};
      const setup = await recordedTunnel(t, direction, {client: {websocketPool: sizing}, server: {websocketPool: sizing}});
      const pool = setup.pool!;
      await eventually(() => pool.idleCount === 1, 5000, 'the first idle websocket');
      // 24 connections at once, each held open until all are carried.
      const apps = await Promise.all(Array.from({length: 24}, () => openHalfOpen(setup.defer, setup.entrancePort)));
      await Promise.all(
        apps.map(async (app) => {
          const echoed = new Promise<void>((resolve) => app.once('data', () => resolve()));
          app.write('x');
          await within(echoed, 5000, 'the echo');
        }),
      );
      assert.equal(pool.busyCount, 24);
      await Promise.all(
        apps.map(async (app) => {
          const ended = readToEnd(app);
          app.end();
          await within(ended, 5000, "the echo's end");
          app.destroy();
        }),
      );
      await eventually(() => pool.busyCount === 0 && pool.openingCount === 0, 5000, 'every websocket back');
      assert.equal(pool.idleCount, 16, 'grown to maxIdle: the rest closed as they came back');
      await eventually(() => pool.idleCount === 1, 5000, 'the shrink to the floor');
      const accepted = setup.acceptedWebsockets();
      await eventually(() => setup.entranceFrames().filter((frames) => closeCodeOf(frames) === 1000).length === accepted - 1, 5000, 'the closes on the wire');
      assert.ok(accepted >= 24, `${accepted} websockets for 24 connections at once`);
    });
  });
}

describe('a 1.0.12-style peer gets the classic wire', () => {
  const classic: Array<[string, {server?: NetunnelServerOptions; client?: Partial<NetunnelClientOptions>}]> = [
    ['our client with features []', {client: {features: []}}],
    ['our server without extensions', {server: {extensions: false}}],
  ];
  for (const [who, options] of classic) {
    for (const direction of DIRECTIONS) {
      test(`${direction}, ${who}: one websocket per connection, each started by \`pasten\` and closed at its end`, async (t) => {
        const setup = await recordedTunnel(t, direction, options);
        for (let index = 0; index < 5; index += 1) {
          const payload = randomPayload(1000);
          const app = await openHalfOpen(setup.defer, setup.entrancePort);
          const echoed = new Promise<Buffer>((resolve) => app.once('data', resolve));
          app.write(payload);
          assert.ok((await within(echoed, 5000, 'the echo')).equals(payload));
          app.end();
          await within(readToEnd(app), 5000, 'the close');
        }
        const channel = setup.recorder.exchanges().find((exchange) => exchange.path === '/channels')!;
        assert.equal('idle_websockets_per_tunnel' in (JSON.parse(channel.responseBody) as object), false);
        await eventually(() => setup.entranceFrames().filter((frames) => closeCodeOf(frames) !== undefined).length >= 5, 5000, 'five closed websockets');
        const started = setup.entranceFrames().filter((frames) => frames.length > 0);
        assert.equal(started.length, 5, 'one websocket per connection');
        for (const frames of started) {
          assert.deepEqual([frames[0]!.opcode, frames[0]!.payload.toString()], [1, 'pasten']);
          assert.ok(frames.every((frame) => !(frame.opcode === 1 && frame.payload.toString() === 'end')), 'no end frame');
        }
      });
    }
  }

  test('our server takes no start frame from a client that did not announce the extension: close 1002', async (t) => {
    const defer = deferrer(t);
    const echo = await startHalfOpenEcho(defer);
    const {server, url} = await startServer();
    defer(() => server.close());
    const channel = await openRawChannel(t, url);
    assert.equal('idle_websockets_per_tunnel' in channel.answer, false);
    const {tunnel_id: tunnelId} = (await channel.createTunnel({exit_address: '127.0.0.1', exit_port: echo.port, reverse: false})) as {tunnel_id: number};
    const attempt = await channel.connectTunnel(tunnelId);
    assert.ok('websocket' in attempt);
    const closed = new Promise<number>((resolve) => attempt.websocket.once('close', resolve));
    attempt.websocket.send(encodeStartFrame({}), {binary: true});
    assert.equal(await within(closed, 5000, 'the close'), 1002);
    assert.equal(echo.accepted.length, 0, 'nothing was connected');
  });
});


describe("the server's heartbeat on a forward tunnel's reused websockets", () => {
  test('one idle again after its connection, that stops answering, is dropped; one carrying a connection is not', async (t) => {
    const defer = deferrer(t);
    const echo = await startHalfOpenEcho(defer);
    const heartbeatMs = 200;
    const tunnel = new ForwardServerTunnel(1, {address: '127.0.0.1', port: echo.port}, null, heartbeatMs, true);
    defer(() => tunnel.stop(true));
    const websockets = new WebSocketServer({host: '127.0.0.1', port: 0});
    await once(websockets, 'listening');
    defer(() => new Promise<void>((resolve) => websockets.close(() => resolve())));
    websockets.on('connection', (websocket) => tunnel.admitWebsocket()(websocket));
    const {port} = websockets.address() as {port: number};
    // Clients that answer no pings: only the server's heartbeat can end them.
    const open = async () => {
      const websocket = new WebSocket(`ws://127.0.0.1:${port}/`, {autoPong: false});
      websocket.on('error', () => {});
      await once(websocket, 'open');
      defer(() => websocket.terminate());
      return websocket;
    };
    const [reused, carrying] = await Promise.all([open(), open()]);
    const frames = (websocket: WebSocket) => {
      const seen: string[] = [];
      websocket.on('message', (data: Buffer, isBinary) => seen.push(isBinary ? `data ${data.toString()}` : data.toString()));
      return seen;
    };
    const reusedFrames = frames(reused);
    const carryingFrames = frames(carrying);
    reused.send(encodeStartFrame({}, Buffer.from('first')));
    reused.send('end');
    carrying.send(encodeStartFrame({}, Buffer.from('second')));
    await eventually(() => reusedFrames.length === 2 && carryingFrames.length === 1, 5000, 'the echoes and the exit end');
    assert.deepEqual(reusedFrames, ['data first', 'end']);
    assert.deepEqual(carryingFrames, ['data second']);

    const idleSince = Date.now();
    const [code] = (await within(once(reused, 'close'), 10_000, 'the silent idle websocket to be dropped')) as [number];
    const silentFor = Date.now() - idleSince;
    assert.equal(code, 1006, 'terminated by the heartbeat');
    assert.ok(silentFor >= 2 * heartbeatMs - 20, `dropped after ${silentFor} ms of silence (two intervals: ${2 * heartbeatMs} ms)`);
    assert.equal(carrying.readyState, WebSocket.OPEN, 'as silent as long, but carrying a connection');
    carrying.send(Buffer.from(' still carried'));
    await eventually(() => carryingFrames.length === 2, 5000, 'the echo');
    assert.equal(carryingFrames[1], 'data  still carried');
  });
});
