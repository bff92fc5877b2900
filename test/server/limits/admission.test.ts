/**
 * The limits on what clients may make the server hold, each refused with its exact status and
 * message and counted in /metrics: channels in all and per remote address (bursts included),
 * tunnels per channel, peers, and per tunnel the websockets without a connection and the
 * connections themselves, both directions.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import {connect, type Socket} from 'node:net';
import {once} from 'node:events';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {NetunnelServerOptions} from '../../../source/server/netunnel-server.js';
import {deferrer} from '../../helpers/cleanup.js';
import {connectClient, eventually, startServer} from '../../helpers/netunnel.js';
import {rawRequest, type RawAnswer} from '../../helpers/raw-http.js';
import {rawUpgrade, OPCODES} from '../../helpers/raw-websocket.js';
import {exchange, startEchoServer} from '../../helpers/tcp.js';
import {within} from '../../helpers/streams.js';
import {openChannel, openForwardTunnel, tunnelWebsocket} from '../hostile/attacks/raw-session.js';

async function serverFor(t: TestContext, options: NetunnelServerOptions) {
  const defer = deferrer(t);
  const {server, url} = await startServer(options);
  defer(() => server.close());
  return {server, url, port: server.address!.port, defer};
}

const refused = (answer: RawAnswer) => ({status: answer.status, body: answer.json});
const error = (message: string) => ({error: message});

async function refusalCount(url: string, limit: string): Promise<number> {
  const {text} = await rawRequest(url, 'GET', '/metrics');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`netunnel_limit_refusals_total{limit="${limit}"} `));
  assert.ok(line, `no sample for ${limit}`);
  return Number(line.split(' ')[1]);
}

const createChannel = (url: string, localAddress?: string) => rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}, localAddress});

/**
 * Requests whose headers reached the server (it answered 100 Continue, so their handlers are
 * waiting for the body) before any body is sent: all of them are pending at once.
 */
/**
 * Requests whose headers all reached the server (it answered 100 Continue and their handlers
 * wait for the body; those above a limit are refused at once) before any body is sent:
 * they are all pending together. Resolves with each one's final status.
 */
async function burst(port: number, path: string, body: string, count: number): Promise<number[]> {
  const finalStatus = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => Number(match[1])).find((status) => status !== 100);
  const connections: Array<{socket: Socket; received: () => string}> = [];
  for (let index = 0; index < count; index += 1) {
    const socket = connect({port, host: '127.0.0.1'});
    socket.on('error', () => {});
    await once(socket, 'connect');
    let text = '';
    const continued = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        resolve();
      }),
    );
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
    await within(continued, 5000, '100 Continue');
    connections.push({socket, received: () => text});
  }
  for (const {socket} of connections) socket.write(body);
  const statuses: number[] = [];
  for (const {socket, received} of connections) {
    await eventually(() => finalStatus(received()) !== undefined, 5000, 'an answer');
    statuses.push(finalStatus(received())!);
    socket.destroy();
  }
  return statuses;
}

describe('channels', () => {
  test('in all: above the limit, 503 with 1.0.12 words; a closed channel frees its place', async (t) => {
    const {url} = await serverFor(t, {limits: {channels: 2}});
    assert.equal((await createChannel(url)).status, 200);
    assert.equal((await createChannel(url)).status, 200);
    assert.deepEqual(refused(await createChannel(url)), {status: 503, body: error('Reached maximum allowed number of control_channels (2)')});
    assert.equal(await refusalCount(url, 'channels'), 1);
    assert.equal((await rawRequest(url, 'DELETE', '/channels/1')).status, 200);
    assert.equal((await createChannel(url)).status, 200);
  });

  test('per remote address: one address at its limit does not stop another', async (t) => {
    const {url} = await serverFor(t, {limits: {channels_per_address: 2}});
    assert.equal((await createChannel(url, '127.0.0.1')).status, 200);
    assert.equal((await createChannel(url, '127.0.0.1')).status, 200);
    assert.deepEqual(refused(await createChannel(url, '127.0.0.1')), {status: 429, body: error('Too many channels from 127.0.0.1 (limit 2)')});
    assert.equal((await createChannel(url, '127.0.0.2')).status, 200);
    assert.equal(await refusalCount(url, 'channels_per_address'), 1);
  });

  test('a burst of requests all waiting for their bodies cannot pass the limit together', async (t) => {
    const {port} = await serverFor(t, {limits: {channels: 5}});
    const statuses = await burst(port, '/channels', '{"version": "1.0.12"}', 12);
    assert.deepEqual(
      statuses.toSorted((a, b) => a - b),
      [...Array(5).fill(200), ...Array(7).fill(503)],
    );
  });

  test('a channel whose websocket never comes expires, counted', async (t) => {
    const {url, server} = await serverFor(t, {limits: {unconnected_channel_timeout_ms: 100}});
    await createChannel(url);
    await eventually(() => server.channels.all().length === 0, 5000, 'the channel to expire');
    assert.equal(await refusalCount(url, 'unconnected_channel_timeout_ms'), 1);
  });
});

test('tunnels per channel: above the limit, 429', async (t) => {
  const {url, port} = await serverFor(t, {limits: {tunnels_per_channel: 2}});
  const {channelId, control} = await openChannel(port);
  t.after(() => control.destroy());
  const body = {exit_address: '127.0.0.1', exit_port: 22, reverse: false};
  const path = `/channels/${channelId}/tunnels`;
  assert.equal((await rawRequest(url, 'POST', path, {body})).status, 200);
  assert.equal((await rawRequest(url, 'POST', path, {body})).status, 200);
  assert.deepEqual(refused(await rawRequest(url, 'POST', path, {body})), {status: 429, body: error(`Channel \`${channelId}\` has reached its limit of 2 tunnels`)});
  assert.equal(await refusalCount(url, 'tunnels_per_channel'), 1);
});

test('peers: above the limit, 503 before anything is checked', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'netunnel-limits-'));
  t.after(() => rm(directory, {recursive: true, force: true}));
  const configPath = join(directory, 'config.json');
  const peer = {id: 1, name: 'far', target_netunnel_url: 'http://127.0.0.1:1', auth_data: {}, static_tunnels: []};
  await writeFile(configPath, JSON.stringify({peers: [peer]}));
  const {url} = await serverFor(t, {configPath, limits: {peers: 1}});
  const answer = await rawRequest(url, 'POST', '/peers', {body: {name: 'near', target_netunnel_url: url, auth_data: {}}});
  assert.deepEqual(refused(answer), {status: 503, body: error('The server has reached its limit of 1 peers')});
  assert.equal(await refusalCount(url, 'peers'), 1);
});

describe('websockets and connections of one tunnel', () => {
  test('forward: websockets waiting for their marker are capped; one that starts frees its place', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const {url, port} = await serverFor(t, {limits: {waiting_websockets_per_tunnel: 2}});
    const {channelId, control} = await openChannel(port);
    t.after(() => control.destroy());
    const tunnelId = await openForwardTunnel(port, channelId, echo.port);
    const first = await tunnelWebsocket(port, channelId, tunnelId);
    const second = await tunnelWebsocket(port, channelId, tunnelId);
    t.after(() => [first, second].forEach((websocket) => websocket.destroy()));
    const path = `/channels/${channelId}/tunnels/${tunnelId}/connect`;
    const third = await rawUpgrade(port, path);
    assert.deepEqual(
      {status: third.status, body: JSON.parse(third.body)},
      {status: 429, body: error(`Tunnel \`${tunnelId}\` of channel \`${channelId}\` already has 2 websockets waiting for a connection`)},
    );
    first.send({opcode: OPCODES.text, payload: 'pasten'});
    first.send({opcode: OPCODES.binary, payload: 'hello'});
    assert.equal((await first.nextFrame())?.payload.toString(), 'hello');
    const fourth = await rawUpgrade(port, path);
    assert.equal(fourth.status, 101);
    fourth.websocket?.destroy();
    assert.equal(await refusalCount(url, 'waiting_websockets_per_tunnel'), 1);
  });

  test('a stranger at a full tunnel is refused as a stranger (403), not told its limit, and not counted', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const {url, port} = await serverFor(t, {limits: {waiting_websockets_per_tunnel: 1, tunnels_per_channel: 1}});
    const {channelId, control} = await openChannel(port);
    t.after(() => control.destroy());
    const tunnelId = await openForwardTunnel(port, channelId, echo.port);
    const waiting = await tunnelWebsocket(port, channelId, tunnelId);
    t.after(() => waiting.destroy());
    const path = `/channels/${channelId}/tunnels/${tunnelId}/connect`;
    const stranger = await rawUpgrade(port, path, undefined, 'GET', {localAddress: '127.0.0.2'});
    assert.deepEqual(
      {status: stranger.status, body: JSON.parse(stranger.body)},
      {status: 403, body: error(`Forbidden: this websocket is not from the client of channel \`${channelId}\` (another address)`)},
    );
    const body = {exit_address: '127.0.0.1', exit_port: 22, reverse: false};
    const tunnel = await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {body, localAddress: '127.0.0.2'});
    assert.deepEqual(refused(tunnel), {status: 403, body: error(`Forbidden: this request is not from the client of channel \`${channelId}\` (another address)`)});
    assert.equal(await refusalCount(url, 'waiting_websockets_per_tunnel'), 0);
    assert.equal(await refusalCount(url, 'tunnels_per_channel'), 0);
    // The owner is still held to both limits.
    assert.equal((await rawUpgrade(port, path)).status, 429);
    assert.equal((await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {body})).status, 429);
    assert.equal(await refusalCount(url, 'waiting_websockets_per_tunnel'), 1);
    assert.equal(await refusalCount(url, 'tunnels_per_channel'), 1);
  });

  test('forward: connections are capped at the upgrade of their websocket', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const {url, port} = await serverFor(t, {limits: {connections_per_tunnel: 2}});
    const {channelId, control} = await openChannel(port);
    t.after(() => control.destroy());
    const tunnelId = await openForwardTunnel(port, channelId, echo.port);
    for (let index = 0; index < 2; index += 1) {
      const websocket = await tunnelWebsocket(port, channelId, tunnelId);
      t.after(() => websocket.destroy());
      websocket.send({opcode: OPCODES.text, payload: 'pasten'});
      websocket.send({opcode: OPCODES.binary, payload: 'hi'});
      assert.equal((await websocket.nextFrame())?.payload.toString(), 'hi');
    }
    const third = await rawUpgrade(port, `/channels/${channelId}/tunnels/${tunnelId}/connect`);
    assert.deepEqual(
      {status: third.status, body: JSON.parse(third.body)},
      {status: 429, body: error(`Tunnel \`${tunnelId}\` of channel \`${channelId}\` carries its limit of 2 connections`)},
    );
    assert.equal(await refusalCount(url, 'connections_per_tunnel'), 1);
  });

  test('reverse: a ready websocket the client sends unasked is refused by the ownership rule, not counted by the limit', async (t) => {
    const {url, port} = await serverFor(t, {limits: {waiting_websockets_per_tunnel: 2}});
    const {channelId, control} = await openChannel(port);
    t.after(() => control.destroy());
    const created = await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {body: {entrance_address: '127.0.0.1', entrance_port: null, reverse: true}});
    const tunnelId = (created.json as {tunnel_id: number}).tunnel_id;
    // The first answers the server's own request for a spare; a second one was never asked for.
    const answered = await tunnelWebsocket(port, channelId, tunnelId);
    t.after(() => answered.destroy());
    const extra = await rawUpgrade(port, `/channels/${channelId}/tunnels/${tunnelId}/connect`);
    assert.deepEqual(
      {status: extra.status, body: JSON.parse(extra.body)},
      {status: 409, body: error(`Tunnel \`${tunnelId}\` of channel \`${channelId}\` did not ask for a websocket`)},
    );
    assert.equal(await refusalCount(url, 'waiting_websockets_per_tunnel'), 0);
  });

  test('reverse: connections above the limit are closed as they reach the entrance', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const {url} = await serverFor(t, {limits: {connections_per_tunnel: 2}});
    const client = await connectClient(url);
    t.after(() => client.close());
    const tunnel = await client.openTunnelToClient({exitPort: echo.port});
    const held: Socket[] = [];
    t.after(() => held.forEach((socket) => socket.destroy()));
    for (let index = 0; index < 2; index += 1) {
      const socket = connect({port: tunnel.entrance.port, host: '127.0.0.1'});
      // The tunnel stopped at the test's end resets what it still carries (stream extension).
      socket.on('error', () => {});
      held.push(socket);
      await once(socket, 'connect');
      socket.write('x');
      await once(socket, 'data');
    }
    assert.equal((await exchange(tunnel.entrance.port, Buffer.from('refused'), 1)).length, 0, 'the third connection is closed unanswered');
    assert.equal(await refusalCount(url, 'connections_per_tunnel'), 1);
    held.pop()?.destroy();
    await eventually(async () => (await exchange(tunnel.entrance.port, Buffer.from('again'))).toString() === 'again', 5000, 'a place to free up');
  });
});

test('connections to the server: above the limit, Node closes the newcomer, counted', async (t) => {
  const {url, port} = await serverFor(t, {limits: {connections: 3}});
  const held: Socket[] = [];
  for (let index = 0; index < 3; index += 1) {
    const socket = connect({port, host: '127.0.0.1'});
    socket.on('error', () => {});
    held.push(socket);
    await once(socket, 'connect');
  }
  const extra = connect({port, host: '127.0.0.1'});
  extra.on('error', () => {});
  await within(new Promise((resolve) => extra.once('close', resolve)), 5000, 'the fourth connection to be closed');
  // Asked over a connection already held: a new one could be refused too, and counted.
  let metrics = '';
  held[0]!.on('data', (chunk: Buffer) => (metrics += chunk.toString()));
  held[0]!.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
  await eventually(() => metrics.includes('limit="unread_websocket_bytes"'), 5000, 'the metrics');
  assert.match(metrics, /\nnetunnel_limit_refusals_total\{limit="connections"\} 1\n/);
  for (const socket of held) socket.destroy();
  await eventually(async () => (await rawRequest(url, 'GET', '/version').catch(() => undefined))?.status === 200, 5000, 'the server to take connections again');
});
