/**
 * Dead clients are noticed: the server pings every control websocket, and one silent for two
 * intervals is closed with its tunnels and entrance ports (a stopped process, a link that
 * silently stopped carrying bytes). Idle tunnel websockets that stop answering are dropped;
 * busy ones are not judged (a slow reader may rightly stop reading).
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type WebSocket from 'ws';
import type {ServerChannel} from '../../../source/server/channels/server-channel.js';
import type {NetunnelServer} from '../../../source/server/netunnel-server.js';
import {startCli} from '../../helpers/cli.js';
import {deferrer} from '../../helpers/cleanup.js';
import {connectClient, startServer} from '../../helpers/netunnel.js';
import {openRawChannel, type Attempt} from '../../helpers/raw-channel.js';
import {within} from '../../helpers/streams.js';
import {exchange, isPortClosed, randomPayload, startEchoServer, startRelay} from '../../helpers/tcp.js';
import {receiveBinary} from '../../helpers/websockets.js';

/** Short, but with room for a busy machine to answer a ping in time. */
const HEARTBEAT_MS = 300;
/** The bound: two intervals, plus what a loaded 2-core machine may add (the default would take 20-40 s). */
const NOTICED_WITHIN_MS = 2 * HEARTBEAT_MS + 3000;

function closedChannel(server: NetunnelServer): Promise<ServerChannel> {
  return new Promise((resolve) => server.channels.once('channelClosed', resolve));
}

function opened(attempt: Attempt): WebSocket {
  if (!('websocket' in attempt)) throw new Error(`refused: ${attempt.status} ${JSON.stringify(attempt.body)}`);
  return attempt.websocket;
}

describe('the server notices a dead client', () => {
  test('kill -STOP of a netunnel-client process: its channel, tunnel and entrance port go within two intervals', async (t) => {
    const defer = deferrer(t);
    const echo = await startEchoServer();
    defer(() => echo.close());
    const {server, url} = await startServer({heartbeatMs: HEARTBEAT_MS});
    defer(() => server.close());
    const client = startCli('netunnel-client', ['-s', url, '-r', '--local-port', String(echo.port), '--remote-port', '0']);
    defer(() => client.child.kill('SIGKILL'));
    const [, port] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
    const entrancePort = Number(port);
    const payload = randomPayload(64 * 1024);
    assert.ok((await exchange(entrancePort, payload)).equals(payload));
    const [channel] = server.channels.all();
    assert.equal(channel!.tunnels.size, 1);

    const closed = closedChannel(server);
    const stoppedAt = Date.now();
    client.child.kill('SIGSTOP');
    await within(closed, 10_000, 'the channel of the stopped client to close');
    const noticedMs = Date.now() - stoppedAt;
    t.diagnostic(`stopped client noticed after ${noticedMs} ms (heartbeat ${HEARTBEAT_MS} ms)`);
    assert.ok(noticedMs < NOTICED_WITHIN_MS, `noticed after ${noticedMs} ms`);
    assert.deepEqual(server.channels.all(), []);
    assert.equal(channel!.tunnels.size, 0);
    assert.ok(await isPortClosed(entrancePort), 'the entrance port is released');
  });

  test('a link that silently stops carrying bytes: the channel and its forward tunnel go', async (t) => {
    const defer = deferrer(t);
    const echo = await startEchoServer();
    defer(() => echo.close());
    const {server} = await startServer({heartbeatMs: HEARTBEAT_MS});
    defer(() => server.close());
    const relay = await startRelay(server.address!.port);
    defer(() => relay.close());
    const client = await connectClient(`http://127.0.0.1:${relay.port}`);
    // Its side of the dead link never hears the server go: its goodbye would wait ws's 30 s.
    defer(() => client.close({timeoutMs: 200}));
    const tunnel = await client.openTunnelToServer({exitPort: echo.port});
    const payload = randomPayload(64 * 1024);
    assert.ok((await exchange(tunnel.entrance.port, payload)).equals(payload));

    const closed = closedChannel(server);
    const frozenAt = Date.now();
    relay.freeze();
    const channel = await within(closed, 10_000, 'the channel behind the dead link to close');
    const noticedMs = Date.now() - frozenAt;
    t.diagnostic(`silent link noticed after ${noticedMs} ms (heartbeat ${HEARTBEAT_MS} ms)`);
    assert.ok(noticedMs < NOTICED_WITHIN_MS, `noticed after ${noticedMs} ms`);
    assert.equal(channel.id, client.channelId);
    assert.deepEqual(server.channels.all(), []);
  });
});

describe('idle tunnel websockets', () => {
  test('reverse: a ready websocket that stops answering pings is dropped, and another one asked for', async (t) => {
    const defer = deferrer(t);
    const {server, url} = await startServer({heartbeatMs: HEARTBEAT_MS});
    defer(() => server.close());
    const channel = await openRawChannel(t, url);
    const {tunnel_id: tunnelId} = (await channel.createTunnel({entrance_address: '127.0.0.1', entrance_port: null, reverse: true})) as {tunnel_id: number};
    await channel.nextRequest();
    const mute = opened(await channel.connectTunnel(tunnelId, {}, {autoPong: false}));
    const [code] = await within(once(mute, 'close'), NOTICED_WITHIN_MS + 5000, 'the mute websocket to be dropped');
    assert.equal(code, 1006, 'terminated by the server');
    assert.deepEqual((await within(channel.nextRequest(), 5000, 'a new request')).data, {tunnel_id: tunnelId});
    assert.equal(server.channels.all().length, 1, 'the channel answers its pings and stays');
  });

  test('forward: an idle websocket that stops answering is dropped; one carrying a connection is not', async (t) => {
    const defer = deferrer(t);
    const echo = await startEchoServer();
    defer(() => echo.close());
    const {server, url} = await startServer({heartbeatMs: HEARTBEAT_MS});
    defer(() => server.close());
    const channel = await openRawChannel(t, url);
    const {tunnel_id: tunnelId} = (await channel.createTunnel({exit_address: '127.0.0.1', exit_port: echo.port, reverse: false})) as {tunnel_id: number};
    const [idle, busy] = await Promise.all([
      channel.connectTunnel(tunnelId, {}, {autoPong: false}).then(opened),
      channel.connectTunnel(tunnelId, {}, {autoPong: false}).then(opened),
    ]);
    busy.send('pasten');
    const idleClosed = once(idle, 'close');
    const [code] = await within(idleClosed, NOTICED_WITHIN_MS + 5000, 'the idle mute websocket to be dropped');
    assert.equal(code, 1006);
    // As long as the idle one had: still open, and still carrying bytes.
    const bytes = randomPayload(1000);
    const echoed = receiveBinary(busy, bytes.length);
    busy.send(bytes, {binary: true});
    assert.ok((await within(echoed, 5000, 'the echo')).equals(bytes));
    assert.equal(server.channels.get(channel.id).getTunnel(tunnelId).traffic.activeConnections, 1);
  });
});
