/**
 * The client's side of the control channel, byte for byte against the 1.0.12 vectors:
 * a scripted fake server sends the two messages of PROTOCOL.md 3.1 and reads the answers.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type WebSocket from 'ws';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {decodeFrame, encodeRequest} from '../../source/protocol/channel-frames.js';
import {startFakeServer} from '../helpers/fake-server.js';
import {eventually} from '../helpers/netunnel.js';
import {readVectorJson} from '../helpers/vectors.js';
import {within} from '../helpers/streams.js';

const vectors = readVectorJson<{vectors: Array<{name: string; bson_hex: string}>}>('channel-messages.json').vectors;
const vector = (name: string) => vectors.find((entry) => entry.name === name)!.bson_hex;

/** Sends one request frame and resolves with the raw bytes of the client's answer. */
async function ask(control: WebSocket, identifier: number, name: string, data: Record<string, unknown>): Promise<Buffer> {
  const answer = once(control, 'message') as Promise<[Buffer, boolean]>;
  control.send(encodeRequest(identifier, name, data));
  const [bytes, isBinary] = await within(answer, 10_000, 'the answer');
  assert.equal(isBinary, true, 'answers are binary frames');
  return bytes;
}

test('the client answers the server messages exactly as 1.0.12 does', async (t) => {
  const fake = await startFakeServer(t);
  const client = new NetunnelClient({serverUrl: fake.url});
  t.after(() => client.close());
  await client.connect();
  const control = await within(fake.control, 10_000, 'the control websocket');

  // A new connection for a tunnel the client does not have: the error answer of the vectors.
  const unknown = await ask(control, 9, 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', {tunnel_id: 5});
  assert.equal(unknown.toString('hex'), vector('error response'));

  // A reverse tunnel (the fake server numbers tunnels from 3): a new connection opens its websocket.
  const tunnel = await client.openTunnelToClient({exitPort: 22});
  assert.equal(tunnel.id, 3);
  const accepted = await ask(control, 1, 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', {tunnel_id: 3});
  assert.deepEqual(decodeFrame(accepted), {kind: 'response', identifier: 1, data: {}});
  await eventually(() => fake.tunnelWebsockets.length === 1);
  assert.deepEqual(fake.tunnelWebsockets, ['/channels/1/tunnels/3/connect']);

  // DELETE_TUNNEL: the success answer of the vectors; the tunnel stops; no DELETE is sent back.
  const deleted = await ask(control, 8, 'DELETE_TUNNEL', {tunnel_id: 3, force: true});
  assert.equal(deleted.toString('hex'), vector('success response'));
  await within(tunnel.closed, 10_000, 'tunnel to close');
  assert.deepEqual(client.tunnels, []);
  assert.deepEqual(fake.requests, ['POST /channels', 'POST /channels/1/tunnels']);

  // Deleting it again, and a message 1.0.12 does not have.
  assert.deepEqual(decodeFrame(await ask(control, 10, 'DELETE_TUNNEL', {tunnel_id: 3, force: false})), {
    kind: 'response',
    identifier: 10,
    data: {},
    error: 'tunnel_id `3` is not registered on this client',
  });
  assert.deepEqual(decodeFrame(await ask(control, 11, 'SOMETHING_NEW', {})), {
    kind: 'response',
    identifier: 11,
    data: {},
    error: 'Unknown message_type SOMETHING_NEW',
  });
  assert.deepEqual(decodeFrame(await ask(control, 12, 'DELETE_TUNNEL', {})), {
    kind: 'response',
    identifier: 12,
    data: {},
    error: 'Message data has no integer `tunnel_id`',
  });
  assert.equal(client.connected, true, 'the channel survives all of it');
});

test('a forward tunnel deleted by the server is not deleted back', async (t) => {
  const fake = await startFakeServer(t);
  const client = new NetunnelClient({serverUrl: fake.url});
  t.after(() => client.close());
  await client.connect();
  const control = await within(fake.control, 10_000, 'the control websocket');
  const tunnel = await client.openTunnelToServer({exitPort: 22});
  await eventually(() => fake.tunnelWebsockets.length === 1, 5000, 'the pre-fed websocket');
  const answer = await ask(control, 1, 'DELETE_TUNNEL', {tunnel_id: tunnel.id, force: false});
  assert.deepEqual(decodeFrame(answer), {kind: 'response', identifier: 1, data: {}});
  await within(tunnel.closed, 10_000, 'tunnel to close');
  assert.deepEqual(fake.requests, ['POST /channels', 'POST /channels/1/tunnels']);
});
