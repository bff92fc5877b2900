import {test} from 'node:test';
import assert from 'node:assert/strict';
import {connect} from 'node:net';
import {once} from 'node:events';
import {within} from '../../helpers/streams.js';
import {startEchoServer} from '../../helpers/tcp.js';
import {startServer, connectClient} from '../../helpers/netunnel.js';
import {rawRequest, type RawAnswer} from '../../helpers/raw-http.js';

const wire = ({status, headers, text}: RawAnswer) => ({
  status,
  contentType: headers['content-type'],
  contentLength: headers['content-length'],
  text,
});

// Observed from a NETunnel 1.0.12 server (aiohttp's `web.json_response()` without data):
//   HTTP/1.1 200 OK / Content-Type: application/json / Content-Length: 0 / (no body)
const EMPTY_1_0_12 = {status: 200, contentType: 'application/json', contentLength: '0', text: ''};

test('answers without data are empty like 1.0.12: DELETE tunnel, factory reset', async () => {
  const echo = await startEchoServer();
  const {server, url} = await startServer();
  const client = await connectClient(url);
  const tunnel = await client.openTunnelToServer({exitPort: echo.port});
  assert.deepEqual(wire(await rawRequest(url, 'DELETE', `/channels/${client.channelId}/tunnels/${tunnel.id}`, {rawBody: '{"force": false}'})), EMPTY_1_0_12);
  assert.deepEqual(wire(await rawRequest(url, 'POST', '/config/factory-reset', {rawBody: '{}'})), EMPTY_1_0_12);
  // Answers with data keep their JSON body.
  assert.deepEqual(wire(await rawRequest(url, 'GET', '/config/http-proxy')), {
    status: 200,
    contentType: 'application/json; charset=utf-8',
    contentLength: '2',
    text: '{}',
  });
  const refused = await rawRequest(url, 'DELETE', '/peers/77');
  assert.equal(refused.status, 404);
  assert.equal(refused.text, '{"error":"Peer `77` was not found"}');
  await client.close();
  await server.close();
  await echo.close();
});

test('our client takes an empty answer as success (closing a tunnel)', async () => {
  const echo = await startEchoServer();
  const {server, url} = await startServer();
  const client = await connectClient(url);
  const tunnel = await client.openTunnelToServer({exitPort: echo.port});
  await client.closeTunnel(tunnel.id);
  assert.equal(client.tunnels.length, 0);
  await client.close();
  await server.close();
  await echo.close();
});

test('a refused upgrade lets go of its socket: a client that keeps its half open is not kept', async (t) => {
  const {server} = await startServer();
  const socket = connect({port: server.address!.port, host: '127.0.0.1', allowHalfOpen: true});
  t.after(async () => {
    socket.destroy();
    await server.close();
  });
  socket.on('error', () => {});
  await once(socket, 'connect');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const ended = once(socket, 'end');
  socket.write('GET /nope HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  socket.resume();
  await ended;
  // Half-open on our side: only a server that closed its socket entirely makes these writes fail.
  const writing = setInterval(() => socket.write('still here'), 20);
  t.after(() => clearInterval(writing));
  await within(closed, 5000, 'the server to close the socket');
});

test('bodies nest at most 64 levels: 64 reach validation, 65 are refused before it', async (t) => {
  const {server, url} = await startServer();
  t.after(() => server.close());
  const nested = (levels: number) => `{"version": "1.0.12", "features": ${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
  const deepest = await rawRequest(url, 'POST', '/channels', {rawBody: nested(64)});
  assert.deepEqual({status: deepest.status, body: deepest.json}, {status: 400, body: {error: 'Invalid field `features.0`: Invalid input: expected string, received array'}});
  const deeper = await rawRequest(url, 'POST', '/channels', {rawBody: nested(65)});
  assert.deepEqual({status: deeper.status, body: deeper.json}, {status: 400, body: {error: 'Request body nested deeper than 64 levels'}});
});
