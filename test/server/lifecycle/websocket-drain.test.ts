/**
 * NetunnelServer.close({graceMs}): nothing new is accepted, every websocket gets a normal
 * close (tunnel connections before control channels, bytes in flight first), and a peer
 * that does not answer is cut once the grace period is over.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import WebSocket from 'ws';
import type {Logger} from '../../../source/engine/logger.js';
import {deferrer} from '../../helpers/cleanup.js';
import {call} from '../../helpers/http.js';
import {connectClient, startServer} from '../../helpers/netunnel.js';
import {readUntilClosed, isPortClosed, openSocket, startEchoServer} from '../../helpers/tcp.js';
import {within} from '../../helpers/streams.js';

async function rawWebsocket(url: string): Promise<WebSocket> {
  const websocket = new WebSocket(url, {perMessageDeflate: false});
  websocket.on('error', () => {});
  await within(once(websocket, 'open'), 10_000, "websocket to emit 'open'");
  return websocket;
}

/** Resolves with the close code, and when it came, in ms from `since`. */
function closeOf(websocket: WebSocket, since: number): Promise<{code: number; at: number}> {
  return new Promise((resolve) => websocket.once('close', (code) => resolve({code, at: Date.now() - since})));
}

test('close({graceMs}): tunnel connections close normally before the channels, open TCP connections end, the port is closed', async (t) => {
  const defer = deferrer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const {server, url} = await startServer();
  defer(() => server.close());
  const port = server.address!.port;
  const client = await connectClient(url);
  defer(() => client.close());
  const tunnel = await client.openTunnelToServer({exitPort: echo.port});
  const socket = await openSocket(tunnel.entrance.port);
  socket.write('open');
  const ended = readUntilClosed(socket);

  // A second channel, by hand, to see the codes: its control websocket and one tunnel connection.
  const channel = (await call(url, 'POST', '/channels', {version: '1.0.12'})).body as {channel_id: number};
  const wsBase = url.replace('http', 'ws');
  // Once open here, the server has attached it (ws answers 101 after its upgrade callback).
  const control = await rawWebsocket(`${wsBase}/channels/${channel.channel_id}/connect`);
  const created = await call(url, 'POST', `/channels/${channel.channel_id}/tunnels`, {exit_address: '127.0.0.1', exit_port: echo.port, reverse: false});
  const tunnelId = (created.body as {tunnel_id: number}).tunnel_id;
  const connection = await rawWebsocket(`${wsBase}/channels/${channel.channel_id}/tunnels/${tunnelId}/connect`);
  connection.send('pasten');
  connection.send(Buffer.from('ping'), {binary: true});
  await within(once(connection, 'message'), 10_000, "connection to emit 'message'");

  const started = Date.now();
  const [connectionClosed, controlClosed] = [closeOf(connection, started), closeOf(control, started)];
  const disconnected = new Promise<string>((resolve) => client.once('disconnected', resolve));
  await server.close({graceMs: 5_000});
  const took = Date.now() - started;
  const [connectionClose, controlClose] = await Promise.all([connectionClosed, controlClosed]);
  assert.equal(connectionClose.code, 1000);
  assert.equal(controlClose.code, 1000);
  assert.ok(connectionClose.at <= controlClose.at, `the tunnel connection (${connectionClose.at} ms) closes before its channel (${controlClose.at} ms)`);
  assert.equal(await disconnected, `The connection to ${url} was lost`);
  assert.equal((await ended).toString(), 'open', 'the echo came back, then the connection ended');
  assert.ok(took < 2_000, `${took} ms with every peer answering`);
  assert.equal(await isPortClosed(port), true);
});

test('close({graceMs}): a client that does not answer its close frame is cut when the grace period is over', async (t) => {
  const defer = deferrer(t);
  const lines: string[] = [];
  const logger: Logger = {debug: () => {}, info: (line) => lines.push(line), warn: () => {}, error: () => {}};
  const {server, url} = await startServer({logger});
  defer(() => server.close());
  const channel = (await call(url, 'POST', '/channels', {version: '1.0.12'})).body as {channel_id: number};
  const control = await rawWebsocket(`${url.replace('http', 'ws')}/channels/${channel.channel_id}/connect`);
  control.pause();
  const started = Date.now();
  await server.close({graceMs: 400});
  const took = Date.now() - started;
  assert.ok(took >= 390 && took < 3_000, `${took} ms`);
  assert.ok(lines.includes('Cut 1 websocket(s) still closing after the 0.4 s grace period'), lines.join('\n'));
});
