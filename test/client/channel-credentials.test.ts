/**
 * What our client shows on its websockets, read from a recording of the wire: between two of
 * ours, the channel secret on every websocket and each request's token on the websocket that
 * answers it; against a 1.0.12 server, or with the features exchange off, nothing at all.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {decodeFrame, encodeRequest, type RequestFrame} from '../../source/protocol/channel-frames.js';
import {deferrer} from '../helpers/cleanup.js';
import {startFakeServer} from '../helpers/fake-server.js';
import {connectClient, eventually, startServer} from '../helpers/netunnel.js';
import {exchange, randomPayload, startEchoServer} from '../helpers/tcp.js';
import {startWireRecorder, type RecordedUpgrade, type WireRecorder} from '../helpers/wire-recorder.js';
import {within} from '../helpers/streams.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The requests the server sent on the control websocket, as recorded. */
function controlRequests(recorder: WireRecorder, channelId: number): {frames: RequestFrame[]; bytes: Buffer[]} {
  const control = recorder.upgrades().find((upgrade) => upgrade.path === `/channels/${channelId}/connect`)!;
  const binary = control.serverFrames.filter((frame) => frame.opcode === 2).map((frame) => frame.payload);
  const decoded = binary.map((bytes) => ({bytes, frame: decodeFrame(bytes)}));
  const requests = decoded.filter((entry) => entry.frame.kind === 'message');
  return {frames: requests.map((entry) => entry.frame as RequestFrame), bytes: requests.map((entry) => entry.bytes)};
}

function ourHeaders(upgrade: RecordedUpgrade): Record<string, string> {
  return Object.fromEntries(Object.entries(upgrade.headers).filter(([name]) => name.startsWith('x-netunnel-')));
}

async function carry(port: number, connections: number): Promise<void> {
  for (let index = 0; index < connections; index += 1) {
    const payload = randomPayload(4096);
    assert.ok((await exchange(port, payload)).equals(payload));
  }
}

async function recordedPair(t: Parameters<typeof deferrer>[0], clientFeatures?: []) {
  const defer = deferrer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const {server} = await startServer();
  defer(() => server.close());
  const recorder = await startWireRecorder(server.address!.port);
  defer(() => recorder.close());
  const client = await connectClient(recorder.url, clientFeatures ? {features: clientFeatures} : {});
  defer(() => client.close());
  const forward = await client.openTunnelToServer({exitPort: echo.port});
  const reverse = await client.openTunnelToClient({exitPort: echo.port});
  await carry(forward.entrance.port, 3);
  await carry(reverse.entrance.port, 3);
  return {client, recorder, forward, reverse};
}

test('between our client and our server: a channel secret on every websocket, a fresh token on each reverse one', async (t) => {
  const {client, recorder, forward, reverse} = await recordedPair(t);
  const channel = recorder.exchanges().find((exchange) => exchange.method === 'POST' && exchange.path === '/channels')!;
  assert.ok((JSON.parse(channel.requestBody) as {features: string[]}).features.includes('websocket-tokens'));
  const secret = (JSON.parse(channel.responseBody) as {channel_secret: string}).channel_secret;
  assert.match(secret, TOKEN);

  const upgrades = recorder.upgrades();
  const tunnelPath = (id: number) => `/channels/${client.channelId}/tunnels/${id}/connect`;
  const forwardUpgrades = upgrades.filter((upgrade) => upgrade.path === tunnelPath(forward.id));
  const reverseUpgrades = upgrades.filter((upgrade) => upgrade.path === tunnelPath(reverse.id));
  // At least one each (the stream extension reuses them: not one per connection).
  assert.ok(forwardUpgrades.length >= 1 && reverseUpgrades.length >= 1, `${forwardUpgrades.length} forward, ${reverseUpgrades.length} reverse`);
  assert.equal(forwardUpgrades.length + reverseUpgrades.length + 1, upgrades.length, 'only the control and tunnel websockets');
  for (const upgrade of upgrades) assert.equal(upgrade.headers['x-netunnel-channel-secret'], secret, upgrade.path);
  for (const upgrade of forwardUpgrades) assert.equal(upgrade.headers['x-netunnel-token'], undefined, 'forward websockets answer no request');

  await eventually(() => controlRequests(recorder, client.channelId).frames.length >= reverseUpgrades.length, 5000, 'the recording');
  const {frames} = controlRequests(recorder, client.channelId);
  const tokens = frames.map((frame) => {
    assert.equal(frame.messageName, 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION');
    assert.deepEqual(Object.keys(frame.data), ['tunnel_id', 'token']);
    assert.equal(frame.data.tunnel_id, reverse.id);
    assert.match(String(frame.data.token), TOKEN);
    return String(frame.data.token);
  });
  assert.equal(new Set(tokens).size, tokens.length, 'every request has its own token');
  const answered = reverseUpgrades.map((upgrade) => upgrade.headers['x-netunnel-token']!);
  assert.equal(new Set(answered).size, answered.length, 'each token answers one websocket');
  for (const token of answered) assert.ok(tokens.includes(token), 'each reverse websocket brings a token of a request');
});

test('with the features exchange off, our client and server speak the classic wire: no key, no header', async (t) => {
  const {client, recorder} = await recordedPair(t, []);
  const channel = recorder.exchanges().find((exchange) => exchange.method === 'POST' && exchange.path === '/channels')!;
  assert.equal(channel.requestBody, '{"version":"1.0.12"}');
  assert.equal('channel_secret' in (JSON.parse(channel.responseBody) as object), false);
  for (const upgrade of recorder.upgrades()) assert.deepEqual(ourHeaders(upgrade), {}, upgrade.path);
  const {frames, bytes} = controlRequests(recorder, client.channelId);
  assert.ok(frames.length >= 1);
  frames.forEach((frame, index) => {
    // Byte for byte the frame 1.0.12 sends.
    const classic = encodeRequest(frame.identifier, 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', {tunnel_id: frame.data.tunnel_id});
    assert.equal(bytes[index]!.toString('hex'), Buffer.from(classic).toString('hex'));
  });
});

test('against a 1.0.12 server our client sends no secret and no token, even when a frame carries a `token` key', async (t) => {
  const fake = await startFakeServer(t);
  const recorder = await startWireRecorder(Number(new URL(fake.url).port));
  t.after(() => recorder.close());
  const client = new NetunnelClient({serverUrl: recorder.url});
  t.after(() => client.close());
  await client.connect();
  const control = await within(fake.control, 10_000, 'the control websocket');
  const tunnel = await client.openTunnelToClient({exitPort: 22});
  const answer = once(control, 'message');
  control.send(encodeRequest(1, 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', {tunnel_id: tunnel.id, token: 'planted'}));
  await within(answer, 10_000, 'the answer');
  await client.openTunnelToServer({exitPort: 22});
  await eventually(() => fake.tunnelWebsockets.length === 2, 5000, 'both tunnel websockets');
  const upgrades = recorder.upgrades();
  assert.deepEqual(
    upgrades.map((upgrade) => [upgrade.path, ourHeaders(upgrade)]).sort(),
    [
      ['/channels/1/connect', {}],
      ['/channels/1/tunnels/3/connect', {}],
      ['/channels/1/tunnels/4/connect', {}],
    ],
  );
});
