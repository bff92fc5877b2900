/**
 * The channel and tunnel routes of our server, spoken to in raw HTTP and raw websockets:
 * exact statuses and `{"error": ...}` bodies, refusals before any upgrade.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type {TestContext} from 'node:test';
import {createServer} from 'node:net';
import WebSocket from 'ws';
import type {NetunnelServerOptions} from '../../../source/server/netunnel-server.js';
import {ServerRefusedError} from '../../../source/client/client-errors.js';
import {FEATURES} from '../../../source/protocol/management.js';
import {rawRequest, tryUpgrade} from '../../helpers/raw-http.js';
import {connectClient, eventually, startServer} from '../../helpers/netunnel.js';
import {freePort, isPortClosed} from '../../helpers/tcp.js';
import {openRawChannel} from '../../helpers/raw-channel.js';
import {startWireRecorder, type RecordedConnection} from '../../helpers/wire-recorder.js';
import {within} from '../../helpers/streams.js';

async function serverFor(t: TestContext, options: NetunnelServerOptions = {}) {
  const {server, url} = await startServer(options);
  t.after(() => server.close());
  return {server, url};
}

/** A channel whose control websocket is connected by a raw websocket (no client library). */
async function connectedChannel(t: TestContext, url: string): Promise<number> {
  const created = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}});
  const channelId = (created.json as {channel_id: number}).channel_id;
  const websocket = new WebSocket(`${url.replace('http', 'ws')}/channels/${channelId}/connect`);
  t.after(() => websocket.terminate());
  await within(once(websocket, 'open'), 10_000, "websocket to emit 'open'");
  return channelId;
}

function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('valid JSON');
}

function assertError(answer: {status: number; json: unknown; headers: Record<string, unknown>}, status: number, message: string): void {
  assert.deepEqual({status: answer.status, body: answer.json}, {status, body: {error: message}});
  assert.match(String(answer.headers['content-type']), /^application\/json/);
}

describe('version and channels', () => {
  test('GET /version answers 1.0.12 as text', async (t) => {
    const {url} = await serverFor(t);
    const answer = await rawRequest(url, 'GET', '/version');
    assert.equal(answer.status, 200);
    assert.equal(answer.text, '1.0.12');
    assert.match(String(answer.headers['content-type']), /^text\/plain/);
  });

  test('POST /channels answers the 1.0.12 shape exactly without extensions', async (t) => {
    const {url} = await serverFor(t, {extensions: false});
    const first = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}});
    assert.equal(first.status, 200);
    assert.equal(first.text, '{"channel_id":1,"version":"1.0.12"}');
  });

  test('POST /channels: ids counting up from 1, our features added', async (t) => {
    const {url, server} = await serverFor(t);
    const first = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}});
    assert.equal(first.status, 200);
    assert.deepEqual(first.json, {channel_id: 1, version: '1.0.12', features: [...FEATURES]});
    const second = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.11'}});
    assert.deepEqual(second.json, {channel_id: 2, version: '1.0.12', features: [...FEATURES]});
    assert.deepEqual(
      server.channels.all().map((channel) => [channel.id, channel.clientVersion]),
      [
        [1, '1.0.12'],
        [2, '1.0.11'],
      ],
    );
  });

  test('POST /channels from a client that announced `stream`: the idle websockets it may hold per tunnel, half the limit', async (t) => {
    const {url, server} = await serverFor(t);
    const answer = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12', features: ['stream']}});
    assert.deepEqual(answer.json, {channel_id: 1, version: '1.0.12', features: [...FEATURES], idle_websockets_per_tunnel: 512});
    assert.ok(server.channels.get(1).streams, 'the channel speaks the extension');
    const without = await serverFor(t, {extensions: false});
    const classic = await rawRequest(without.url, 'POST', '/channels', {body: {version: '1.0.12', features: ['stream']}});
    assert.equal(classic.text, '{"channel_id":1,"version":"1.0.12"}');
    assert.equal(without.server.channels.get(1).streams, undefined);
  });

  test('a body that is not JSON is a 400 with the parser message', async (t) => {
    const {url} = await serverFor(t);
    const answer = await rawRequest(url, 'POST', '/channels', {rawBody: '{version: 1'});
    assertError(answer, 400, `Request body is not valid JSON: ${jsonParseMessage('{version: 1')}`);
  });

  test('missing or wrong fields are a 400 naming the field', async (t) => {
    const {url} = await serverFor(t);
    assertError(await rawRequest(url, 'POST', '/channels', {body: {}}), 400, 'Missing field `version`');
    assertError(await rawRequest(url, 'POST', '/channels', {body: {version: 1}}), 400, 'Invalid field `version`: Invalid input: expected string, received number');
    assertError(
      await rawRequest(url, 'POST', '/channels'),
      400,
      'The request body must be a JSON object (Invalid input: expected object, received undefined)',
    );
  });

  test('unknown routes and methods', async (t) => {
    const {url} = await serverFor(t);
    assertError(await rawRequest(url, 'GET', '/nope'), 404, 'Not found: GET /nope');
    assertError(await rawRequest(url, 'GET', '/channels/1/tunnels'), 405, 'Method GET is not allowed on /channels/1/tunnels');
    assertError(await rawRequest(url, 'GET', '/channels/1/connect'), 400, '/channels/1/connect expects a websocket upgrade');
  });
});

describe('tunnels', () => {
  test('an unknown channel is a 404', async (t) => {
    const {url} = await serverFor(t);
    const body = {exit_address: '127.0.0.1', exit_port: 22, reverse: false};
    assertError(await rawRequest(url, 'POST', '/channels/77/tunnels', {body}), 404, 'Channel `77` was not found');
    assertError(await rawRequest(url, 'DELETE', '/channels/77/tunnels/1', {body: {force: false}}), 404, 'Channel `77` was not found');
  });

  test('a channel whose websocket is not connected yet is a 409', async (t) => {
    const {url} = await serverFor(t);
    await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}});
    const message = 'Channel `1` is not connected yet: open its websocket (/channels/1/connect) first';
    assertError(
      await rawRequest(url, 'POST', '/channels/1/tunnels', {body: {exit_address: '127.0.0.1', exit_port: 22, reverse: false}}),
      409,
      message,
    );
    assertError(
      await rawRequest(url, 'POST', '/channels/1/tunnels', {body: {entrance_address: '127.0.0.1', entrance_port: null, reverse: true}}),
      409,
      message,
    );
  });

  test('on a connected channel: bodies are checked field by field', async (t) => {
    const {url} = await serverFor(t);
    const channelId = await connectedChannel(t, url);
    const path = `/channels/${channelId}/tunnels`;
    assertError(await rawRequest(url, 'POST', path, {rawBody: 'reverse=false'}), 400, `Request body is not valid JSON: ${jsonParseMessage('reverse=false')}`);
    assertError(await rawRequest(url, 'POST', path, {body: {}}), 400, 'Missing field `reverse`');
    assertError(await rawRequest(url, 'POST', path, {body: {reverse: false, exit_address: '127.0.0.1'}}), 400, 'Missing field `exit_port`');
    assertError(
      await rawRequest(url, 'POST', path, {body: {reverse: false, exit_address: '127.0.0.1', exit_port: 70000}}),
      400,
      'Invalid field `exit_port`: Too big: expected number to be <=65535',
    );
    assertError(await rawRequest(url, 'POST', path, {body: {reverse: true, entrance_address: '127.0.0.1'}}), 400, 'Missing field `entrance_port`');
    assertError(
      await rawRequest(url, 'DELETE', `${path}/1`, {body: {force: 'yes'}}),
      400,
      'Invalid field `force`: Invalid input: expected boolean, received string',
    );
  });

  test('a forward tunnel is created, answered with its id, and deleted with an empty answer (as 1.0.12)', async (t) => {
    const {url, server} = await serverFor(t);
    const channelId = await connectedChannel(t, url);
    const created = await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {
      body: {exit_address: '127.0.0.1', exit_port: 22, reverse: false},
    });
    assert.equal(created.status, 200);
    assert.equal(created.text, '{"tunnel_id":1}');
    const deleted = await rawRequest(url, 'DELETE', `/channels/${channelId}/tunnels/1`, {body: {force: false}});
    assert.equal(deleted.status, 200);
    assert.equal(deleted.headers['content-type'], 'application/json');
    assert.equal(deleted.text, '');
    assert.equal(server.channels.get(channelId).tunnels.size, 0);
    assertError(
      await rawRequest(url, 'DELETE', `/channels/${channelId}/tunnels/1`, {body: {force: false}}),
      404,
      'Tunnel `1` was not found on channel `1`',
    );
  });

  test('a reverse tunnel answers the port it listens on (our addition)', async (t) => {
    const {url} = await serverFor(t);
    const channelId = await connectedChannel(t, url);
    const created = await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {
      body: {entrance_address: '127.0.0.1', entrance_port: null, reverse: true},
    });
    assert.equal(created.status, 200);
    const {tunnel_id: tunnelId, entrance_port: entrancePort} = created.json as {tunnel_id: number; entrance_port: number};
    assert.equal(tunnelId, 1);
    assert.ok(entrancePort > 0);
    assert.equal(await isPortClosed(entrancePort), false, 'the server listens on it');
  });

  for (const extensions of [true, false]) {
    test(`a reverse tunnel's answer reaches the client before its first request for a websocket, as in 1.0.12${extensions ? '' : ' (without extensions)'}`, async (t) => {
      const {server} = await serverFor(t, {extensions});
      const recorder = await startWireRecorder(server.address!.port);
      t.after(() => recorder.close());
      const channel = await openRawChannel(t, recorder.url);
      const request = channel.nextRequest();
      await channel.createTunnel({entrance_address: '127.0.0.1', entrance_port: null, reverse: true});
      assert.equal((await within(request, 5000, 'the first request')).messageName, 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION');
      /** Where in the relay's reading order the first chunk holding `text` came from the server. */
      const readAt = (connection: RecordedConnection, text: string) => connection.toClientOrder[connection.toClient.findIndex((chunk) => chunk.includes(text))]!;
      const answered = recorder.connections.find((connection) => Buffer.concat(connection.toServer).includes('POST /channels/1/tunnels'))!;
      const control = recorder.connections.find((connection) => Buffer.concat(connection.toServer).includes('GET /channels/1/connect'))!;
      assert.ok(readAt(answered, '"tunnel_id"') < readAt(control, 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION'), 'the answer came first');
    });
  }

  test('a reverse tunnel on a port in use is a 409; on an address not allowed, a 403', async (t) => {
    const {url} = await serverFor(t);
    const channelId = await connectedChannel(t, url);
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    t.after(() => busy.close());
    const port = (busy.address() as {port: number}).port;
    assertError(
      await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {body: {entrance_address: '127.0.0.1', entrance_port: port, reverse: true}}),
      409,
      `Cannot listen on 127.0.0.1:${port}: the address is already in use`,
    );
    assertError(
      await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {body: {entrance_address: '0.0.0.0', entrance_port: null, reverse: true}}),
      403,
      'Address 0.0.0.0 is not allowed as a tunnel entrance (allowed: 127.0.0.1)',
    );
  });
});

describe('tunnel destinations', () => {
  test('an address not in allowed_tunnel_destinations is a 403 naming it', async (t) => {
    const {url} = await serverFor(t, {allowedTunnelDestinations: {'127.0.0.1': '*'}});
    const channelId = await connectedChannel(t, url);
    assertError(
      await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {body: {exit_address: '10.1.1.1', exit_port: 22, reverse: false}}),
      403,
      'Address 10.1.1.1 is not allowed as a tunnel destination',
    );
  });

  test('a port not in the list of its address is a 403 naming both', async (t) => {
    const allowed = await freePort();
    const {url} = await serverFor(t, {allowedTunnelDestinations: {'127.0.0.1': `80, ${allowed}`}});
    const client = await connectClient(url);
    t.after(() => client.close());
    await assert.rejects(client.openTunnelToServer({exitPort: 22}), (error: unknown) => {
      assert.ok(error instanceof ServerRefusedError);
      assert.equal(error.status, 403);
      assert.equal(error.message, 'Port 127.0.0.1:22 is not allowed as a tunnel destination');
      return true;
    });
    await assert.rejects(client.openTunnelToServer({exitAddress: '10.1.1.1', exitPort: 80}), {
      message: 'Address 10.1.1.1 is not allowed as a tunnel destination',
    });
    // The listed ports are allowed (one with a space after the comma).
    const tunnel = await client.openTunnelToServer({exitPort: allowed});
    assert.equal(tunnel.exit.port, allowed);
    assert.equal(client.tunnels.length, 1, 'refused tunnels leave nothing behind on the client');
  });
});

describe('websocket routes', () => {
  test('an unknown channel is a 404 with a JSON body, before any upgrade', async (t) => {
    const {url} = await serverFor(t);
    assertError(await tryUpgrade(url, '/channels/77/connect'), 404, 'Channel `77` was not found');
    assertError(await tryUpgrade(url, '/channels/1/tunnels/9/connect'), 404, 'Channel `1` was not found');
  });

  test('an unknown tunnel of a known channel is a 404', async (t) => {
    const {url} = await serverFor(t);
    const channelId = await connectedChannel(t, url);
    assertError(await tryUpgrade(url, `/channels/${channelId}/tunnels/9/connect`), 404, 'Tunnel `9` was not found on channel `1`');
  });

  test('a second control websocket for a channel is a 409', async (t) => {
    const {url} = await serverFor(t);
    const channelId = await connectedChannel(t, url);
    assertError(await tryUpgrade(url, `/channels/${channelId}/connect`), 409, 'Channel `1` is already connected');
  });

  test('an upgrade on a REST route or an unknown path is a 404', async (t) => {
    const {url} = await serverFor(t);
    assertError(await tryUpgrade(url, '/version'), 404, 'Not found: websocket /version');
    assertError(await tryUpgrade(url, '/nope'), 404, 'Not found: websocket /nope');
  });

  test('a known channel upgrades (101), and a channel is dropped when its websocket closes', async (t) => {
    const {url, server} = await serverFor(t);
    await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}});
    const answer = await tryUpgrade(url, '/channels/1/connect');
    assert.equal(answer.status, 101);
    await eventually(() => server.channels.all().length === 0, 5000, 'the channel to go');
  });
});
