/** The BSON request/response channel (PROTOCOL.md 3.1) over a real websocket pair. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type {TestContext} from 'node:test';
import WebSocket from 'ws';
import {BSON} from 'bson';
import {ChannelClosedError, ChannelRequestError} from '../../source/engine/engine-errors.js';
import {RequestChannel, type MessageHandler} from '../../source/engine/request-channel.js';
import {decodeFrame, encodeRequest, encodeResponse} from '../../source/protocol/channel-frames.js';
import {websocketPair} from '../helpers/websockets.js';
import {within} from '../helpers/streams.js';

async function setup(t: TestContext, handler: MessageHandler = () => ({})) {
  const pair = await websocketPair();
  t.after(() => pair.close());
  const channel = new RequestChannel(pair.client, handler);
  const warnings: string[] = [];
  channel.on('warning', (warning) => warnings.push(warning));
  return {channel, peer: pair.server, warnings};
}

/** The next binary frame the peer gets, decoded. */
async function nextFrame(peer: WebSocket) {
  for (;;) {
    const [data, isBinary] = (await within(once(peer, 'message'), 10_000, "peer to emit 'message'")) as [Buffer, boolean];
    if (isBinary) return decodeFrame(data);
  }
}

test('requests are numbered from 1 and resolve with the answer data', async (t) => {
  const {channel, peer} = await setup(t);
  const first = channel.request('TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', {tunnel_id: 3});
  assert.deepEqual(await nextFrame(peer), {
    kind: 'message',
    identifier: 1,
    messageName: 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION',
    data: {tunnel_id: 3},
  });
  const second = channel.request('DELETE_TUNNEL', {tunnel_id: 3, force: true});
  assert.deepEqual(await nextFrame(peer), {kind: 'message', identifier: 2, messageName: 'DELETE_TUNNEL', data: {tunnel_id: 3, force: true}});
  // Answers may come in any order.
  peer.send(encodeResponse(2, {second: true}));
  peer.send(encodeResponse(1, {first: true}));
  assert.deepEqual(await first, {first: true});
  assert.deepEqual(await second, {second: true});
});

test('the exact bytes of a request are those of 1.0.12', async (t) => {
  const {channel, peer} = await setup(t);
  void channel.request('DELETE_TUNNEL', {tunnel_id: 3, force: true}).catch(() => {});
  const [data] = (await within(once(peer, 'message'), 10_000, "peer to emit 'message'")) as [Buffer];
  assert.deepEqual(data, Buffer.from(encodeRequest(1, 'DELETE_TUNNEL', {tunnel_id: 3, force: true})));
});

test('an error answer rejects with its message', async (t) => {
  const {channel, peer} = await setup(t);
  const request = channel.request('TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', {tunnel_id: 5});
  await nextFrame(peer);
  peer.send(encodeResponse(1, {}, 'tunnel_id `5` is not registered on this client'));
  await assert.rejects(request, (error: unknown) => {
    assert.ok(error instanceof ChannelRequestError);
    assert.equal(error.message, 'tunnel_id `5` is not registered on this client');
    return true;
  });
});

test('incoming messages are answered with the handler result, or its error', async (t) => {
  const {peer} = await setup(t, async (name, data) => {
    if (name === 'DELETE_TUNNEL') return {deleted: data.tunnel_id};
    throw new Error(`Unknown message_type ${name}`);
  });
  peer.send(encodeRequest(7, 'DELETE_TUNNEL', {tunnel_id: 4, force: false}));
  assert.deepEqual(await nextFrame(peer), {kind: 'response', identifier: 7, data: {deleted: 4}});
  peer.send(encodeRequest(8, 'NOPE', {}));
  assert.deepEqual(await nextFrame(peer), {kind: 'response', identifier: 8, data: {}, error: 'Unknown message_type NOPE'});
});

test('a success answer is byte-exact with 1.0.12 (empty data)', async (t) => {
  const {peer} = await setup(t, () => ({}));
  peer.send(encodeRequest(8, 'DELETE_TUNNEL', {tunnel_id: 3, force: true}));
  const [data] = (await within(once(peer, 'message'), 10_000, "peer to emit 'message'")) as [Buffer];
  assert.equal(data.toString('hex'), '35000000025f747970650009000000726573706f6e736500105f6964656e7469666965720008000000036461746100050000000000');
});

test('garbage, unknown answers and text frames are reported and dropped; the channel keeps working', async (t) => {
  const {channel, peer, warnings} = await setup(t);
  peer.send(Buffer.from('not bson at all'), {binary: true});
  peer.send(BSON.serialize({_type: 'event', _identifier: 1}));
  peer.send(encodeResponse(99, {}));
  peer.send('a text frame');
  const request = channel.request('DELETE_TUNNEL', {tunnel_id: 1, force: false});
  const frame = await nextFrame(peer);
  peer.send(encodeResponse(frame.identifier, {ok: 1}));
  assert.deepEqual(await request, {ok: 1});
  assert.equal(warnings.length, 3);
  assert.match(warnings[0]!, /^Channel frame is not valid BSON: /);
  assert.equal(warnings[1], 'Channel frame has an unknown `_type`: event');
  assert.equal(warnings[2], 'response to an unknown request 99 dropped');
  assert.ok(channel.isOpen);
});

test('pending requests are rejected when the channel closes, and new ones at once', async (t) => {
  const {channel, peer} = await setup(t);
  const pending = channel.request('DELETE_TUNNEL', {tunnel_id: 1, force: false});
  const closed = once(channel, 'close');
  await nextFrame(peer);
  peer.close(1000);
  await assert.rejects(pending, (error: unknown) => error instanceof ChannelClosedError && error.message === 'The control channel is closed');
  await within(closed, 10_000, 'the close');
  assert.equal(channel.isOpen, false);
  await assert.rejects(channel.request('DELETE_TUNNEL', {}), ChannelClosedError);
});

test('an unanswered request times out with a message naming it', async (t) => {
  const {channel} = await setup(t);
  await assert.rejects(channel.request('DELETE_TUNNEL', {tunnel_id: 1}, 50), (error: unknown) => {
    assert.ok(error instanceof ChannelRequestError);
    assert.equal(error.message, 'No answer to DELETE_TUNNEL within 50 ms');
    return true;
  });
});

test('close() closes the websocket normally', async (t) => {
  const {channel, peer} = await setup(t);
  const closed = once(peer, 'close');
  channel.close();
  const [code] = await within(closed, 10_000, 'the close');
  assert.equal(code, 1000);
});
