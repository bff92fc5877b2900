/**
 * Malformed, oversized and fragmented websocket frames, crafted by hand over raw TCP after a
 * handcrafted upgrade, on each kind of websocket of a server in its own process. Each gets its
 * exact close code; what 1.0.12 ignores (text frames on the control channel) is ignored and the
 * channel keeps working.
 */
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {BSON} from 'bson';
import {rawUpgrade, encodeFrame, OPCODES, type RawWebsocket} from '../../helpers/raw-websocket.js';
import {startEchoServer, type TcpService} from '../../helpers/tcp.js';
import {startWatchedServer, type WatchedServer} from '../../helpers/watched-server.js';
import {FRAME_ATTACKS} from './attacks/hostile-frames.js';
import {openChannel, openForwardTunnel, tunnelWebsocket, upgraded} from './attacks/raw-session.js';
import {rawRequest} from '../../helpers/raw-http.js';

const MiB = 1024 * 1024;
let server: WatchedServer;
let echo: TcpService;

before(async () => {
  [server, echo] = await Promise.all([startWatchedServer(), startEchoServer()]);
});
after(async () => {
  await server.kill();
  await echo.close();
});

/** Sends the frames and returns the server's close code; the socket is let go at once after. */
async function closeCodeFor(websocket: RawWebsocket, frames: Buffer[]): Promise<number | null> {
  for (const frame of frames) websocket.write(frame);
  const {code} = await websocket.closing();
  websocket.destroy();
  return code;
}

function bsonFrame(document: Record<string, unknown>): Buffer {
  return encodeFrame({opcode: OPCODES.binary, payload: Buffer.from(BSON.serialize(document))});
}

/** The next control message from the server (skipping anything else). */
async function nextMessage(control: RawWebsocket, timeoutMs = 5000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = await control.nextFrame(Math.max(1, deadline - Date.now()));
    assert.ok(frame, 'the control websocket closed');
    if (frame.opcode === OPCODES.binary) return BSON.deserialize(frame.payload);
  }
}

/**
 * A valid BSON document of just under 1 MiB nested 131,000 levels deep: each level is its
 * length, an embedded-document element named `a`, the level below, and its terminating 0.
 */
function deeplyNested(): Buffer {
  const depth = Math.floor((MiB - 64 - 5) / 8);
  const document = Buffer.alloc(5 + 8 * depth);
  for (let level = 0; level < depth; level += 1) {
    document.writeInt32LE(document.length - 8 * level, 7 * level);
    document.set([0x03, 0x61, 0x00], 7 * level + 4);
  }
  document.writeInt32LE(5, 7 * depth);
  return document;
}

describe('control channel', () => {
  test('every malformed or oversized frame gets its close code (1 MiB limit)', async () => {
    for (const attack of FRAME_ATTACKS) {
      const {control} = await openChannel(server.port);
      assert.equal(await closeCodeFor(control, attack.frames(MiB)), attack.close, attack.name);
    }
    assert.equal(server.exited(), undefined);
  });

  test('text frames, pings and garbage are ignored as 1.0.12 ignores them; the channel keeps working', async () => {
    const {channelId, control} = await openChannel(server.port);
    try {
      control.send({opcode: OPCODES.text, payload: 'hello'});
      control.send({opcode: OPCODES.text, payload: JSON.stringify({_type: 'message'})});
      control.send({opcode: OPCODES.ping, payload: 'are you there'});
      const pong = await control.nextFrame();
      assert.deepEqual({opcode: pong?.opcode, payload: pong?.payload.toString()}, {opcode: OPCODES.pong, payload: 'are you there'});
      // Not BSON, BSON that is no channel frame, unknown and negative identifiers, deep nesting.
      control.send({opcode: OPCODES.binary, payload: Buffer.from('not bson at all')});
      control.write(bsonFrame({hello: 'world'}));
      control.write(bsonFrame({_type: 'response', _identifier: 999_999, data: {}}));
      control.write(bsonFrame({_type: 'response', _identifier: -5, data: {}}));
      control.write(bsonFrame({_type: 'bogus', _identifier: 1, data: {}}));
      control.send({opcode: OPCODES.binary, payload: deeplyNested()});
      control.send({opcode: OPCODES.binary, payload: Buffer.alloc(0)});
      // A request of the client's is answered with an error, by its identifier.
      control.write(bsonFrame({_type: 'message', _identifier: -7, message_type: {__Messages__: 'EVIL'}, data: {}}));
      assert.deepEqual(await nextMessage(control), {_type: 'response', _identifier: -7, data: {}, error: 'Unknown message_type EVIL'});
      // The server still talks over it: a reverse tunnel makes it ask for a websocket...
      const created = await rawRequest(server.url, 'POST', `/channels/${channelId}/tunnels`, {
        body: {entrance_address: '127.0.0.1', entrance_port: null, reverse: true},
      });
      assert.equal(created.status, 200);
      const tunnelId = (created.json as {tunnel_id: number}).tunnel_id;
      const ask = await nextMessage(control);
      assert.deepEqual(ask.message_type, {__Messages__: 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION'});
      assert.deepEqual(ask.data, {tunnel_id: tunnelId});
      // ...and still reads it: refused, it asks again at once rather than after its 10 s timeout.
      control.write(bsonFrame({_type: 'response', _identifier: ask._identifier, data: {}, error: 'no'}));
      const again = await nextMessage(control, 3000);
      assert.equal(again._identifier, Number(ask._identifier) + 1);
      const details = await rawRequest(server.url, 'GET', `/channels/${channelId}`);
      assert.equal((details.json as {connected: boolean}).connected, true);
    } finally {
      control.destroy();
    }
  });
});

describe('tunnel websockets', () => {
  test('before the start marker: every malformed or oversized frame gets its close code (4 MiB limit)', async () => {
    const {channelId, control} = await openChannel(server.port);
    try {
      const tunnelId = await openForwardTunnel(server.port, channelId, echo.port);
      for (const attack of FRAME_ATTACKS) {
        const websocket = await tunnelWebsocket(server.port, channelId, tunnelId);
        assert.equal(await closeCodeFor(websocket, attack.frames(4 * MiB)), attack.close, attack.name);
      }
      // A first frame that is not the marker: 1.0.12 would connect anyway, we refuse.
      const early = await tunnelWebsocket(server.port, channelId, tunnelId);
      early.send({opcode: OPCODES.binary, payload: 'data first'});
      assert.deepEqual(await early.closing(), {code: 1002, reason: 'expected the start marker'});
      early.destroy();
    } finally {
      control.destroy();
    }
  });

  test('after the start marker: the same close codes, and the exit connection ends with the websocket', async () => {
    const {channelId, control} = await openChannel(server.port);
    try {
      const tunnelId = await openForwardTunnel(server.port, channelId, echo.port);
      for (const attack of FRAME_ATTACKS) {
        const websocket = await tunnelWebsocket(server.port, channelId, tunnelId);
        websocket.send({opcode: OPCODES.text, payload: 'pasten'});
        websocket.send({opcode: OPCODES.binary, payload: 'ping?'});
        const echoed = await websocket.nextFrame();
        assert.equal(echoed?.payload.toString(), 'ping?', `${attack.name}: piped before the attack`);
        assert.equal(await closeCodeFor(websocket, attack.frames(4 * MiB)), attack.close, attack.name);
      }
      const tunnels = await rawRequest(server.url, 'GET', '/tunnels');
      const [tunnel] = tunnels.json as Array<{connections: {active: number; total: number}}>;
      assert.equal(tunnel?.connections.total, FRAME_ATTACKS.length);
    } finally {
      control.destroy();
    }
  });

  test('a frame of exactly the limit is carried whole', async () => {
    const {channelId, control} = await openChannel(server.port);
    try {
      const tunnelId = await openForwardTunnel(server.port, channelId, echo.port);
      const websocket = await tunnelWebsocket(server.port, channelId, tunnelId);
      websocket.send({opcode: OPCODES.text, payload: 'pasten'});
      const payload = Buffer.alloc(4 * MiB, 7);
      websocket.send({opcode: OPCODES.binary, payload});
      let received = 0;
      while (received < payload.length) {
        const frame = await websocket.nextFrame();
        assert.ok(frame && frame.opcode === OPCODES.binary, 'echoed data');
        assert.ok(frame.payload.every((byte) => byte === 7));
        received += frame.payload.length;
      }
      assert.equal(received, payload.length);
      websocket.destroy();
    } finally {
      control.destroy();
    }
  });
});

describe('events websocket', () => {
  test('receives nothing: a frame over 4096 bytes is 1009, text and binary are ignored', async () => {
    const big = await upgraded(server.port, '/events');
    assert.equal(await closeCodeFor(big, [encodeFrame({opcode: OPCODES.binary, length: 4097})]), 1009);
    const chatty = await upgraded(server.port, '/events');
    const snapshot = await chatty.nextFrame();
    assert.equal(JSON.parse(String(snapshot?.payload)).type, 'snapshot');
    chatty.send({opcode: OPCODES.text, payload: 'subscribe me to everything'});
    chatty.send({opcode: OPCODES.binary, payload: Buffer.alloc(4096)});
    chatty.send({opcode: OPCODES.ping, payload: 'still here'});
    const pong = await chatty.nextFrame();
    assert.deepEqual({opcode: pong?.opcode, payload: pong?.payload.toString()}, {opcode: OPCODES.pong, payload: 'still here'});
    chatty.destroy();
  });
});

describe('handshakes', () => {
  const refusal = async (path: string, headers?: Record<string, string>, method?: string) => {
    const {status, body} = await rawUpgrade(server.port, path, headers, method);
    return {status, body};
  };
  const error = (message: string) => JSON.stringify({error: message});

  test('upgrades without valid websocket headers are refused, 400 or 405', async () => {
    // A channel whose control websocket is still to come.
    const created = await rawRequest(server.url, 'POST', '/channels', {body: {version: '1.0.12'}});
    const channelId = (created.json as {channel_id: number}).channel_id;
    const path = '/events';
    const key = {Host: 'x', Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13'};
    assert.deepEqual(await refusal(path, key), {status: 400, body: error('Missing or invalid Sec-WebSocket-Key header')});
    assert.deepEqual(await refusal(path, {...key, 'Sec-WebSocket-Key': 'short'}), {status: 400, body: error('Missing or invalid Sec-WebSocket-Key header')});
    const valid = {...key, 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ=='};
    assert.deepEqual(await refusal(path, {...valid, 'Sec-WebSocket-Version': '12'}), {status: 400, body: error('Missing or invalid Sec-WebSocket-Version header')});
    assert.deepEqual(await refusal(path, {...valid, Upgrade: 'websocketx'}), {status: 400, body: error('Invalid Upgrade header')});
    assert.deepEqual(await refusal(`/channels/${channelId}/connect`, {...valid, Upgrade: 'h2c'}), {status: 400, body: error('Invalid Upgrade header')});
    assert.deepEqual(await refusal('/version', {...valid, Upgrade: 'h2c'}), {status: 400, body: error('Only websocket upgrades are served, not `h2c`')});
    assert.deepEqual(await refusal(path, valid, 'POST'), {status: 405, body: error('Invalid HTTP method')});
    assert.equal(server.exited(), undefined);
  });

  test('unknown, zero, negative and overlong ids are 404', async () => {
    assert.deepEqual(await refusal('/channels/999/connect'), {status: 404, body: error('Channel `999` was not found')});
    assert.deepEqual(await refusal('/channels/0/tunnels/1/connect'), {status: 404, body: error('Channel `0` was not found')});
    assert.deepEqual(await refusal('/channels/-1/connect'), {status: 404, body: error('Not found: websocket /channels/-1/connect')});
    assert.deepEqual(await refusal('/channels/1234567890123456/connect'), {status: 404, body: error('Not found: websocket /channels/1234567890123456/connect')});
    const {channelId, control} = await openChannel(server.port);
    try {
      assert.deepEqual(await refusal(`/channels/${channelId}/tunnels/77/connect`), {status: 404, body: error(`Tunnel \`77\` was not found on channel \`${channelId}\``)});
      assert.deepEqual(await refusal(`/channels/${channelId}/connect`), {status: 409, body: error(`Channel \`${channelId}\` is already connected`)});
    } finally {
      control.destroy();
    }
  });
});
