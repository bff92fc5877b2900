/**
 * One connection of the stream extension on its own, over a real TCP pair and a real websocket
 * pair: per-direction ends, release of the websocket, aborts, frames of the wrong kind.
 *   app <-TCP-> piped socket =pipeStream= piped websocket <-ws-> peer
 * The test plays the application (`app`, half-open allowed) and the far end (`peer`).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {connect, createServer, type Socket} from 'node:net';
import type {TestContext} from 'node:test';
import type WebSocket from 'ws';
import {pipeStream, type StreamPipeOptions} from '../../source/engine/stream-pipe.js';
import {ConnectionRecord} from '../../source/engine/connection-record.js';
import {TunnelTraffic} from '../../source/engine/traffic.js';
import {decodeStartFrame} from '../../source/protocol/stream-frames.js';
import {deferrer} from '../helpers/cleanup.js';
import {freePort, randomPayload} from '../helpers/tcp.js';
import {readExactly, settledValue, sha256, within, writeWithBackpressure} from '../helpers/streams.js';
import {receiveBinary, websocketPair} from '../helpers/websockets.js';
import {eventually} from '../helpers/netunnel.js';
import {readToEnd} from '../helpers/half-open.js';

/** A TCP pair where both ends allow half-open connections (the application may send after EOF). */
async function halfOpenPair(t: TestContext): Promise<{app: Socket; socket: Socket}> {
  const defer = deferrer(t);
  const server = createServer({allowHalfOpen: true});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const app = connect({port: (server.address() as {port: number}).port, host: '127.0.0.1', allowHalfOpen: true});
  const [[socket]] = await within(Promise.all([accepted, once(app, 'connect')]), 10_000, 'the connection');
  app.on('error', () => {});
  socket.on('error', () => {});
  defer(() => new Promise((resolve) => server.close(resolve)));
  defer(() => [app.destroy(), socket.destroy()]);
  return {app, socket};
}

async function setup(t: TestContext, options: Partial<StreamPipeOptions> = {}, end: 'entrance' | 'exit' = 'entrance') {
  const {app, socket} = await halfOpenPair(t);
  const websockets = await websocketPair();
  t.after(() => websockets.close());
  const record = new ConnectionRecord(1, end, undefined, new TunnelTraffic());
  const released: WebSocket[] = [];
  const piped = pipeStream(socket, websockets.client, record, {release: (websocket) => released.push(websocket), ...options});
  return {app, socket, websocket: websockets.client, peer: websockets.server, record, released, piped};
}

interface Frame {
  binary: boolean;
  data: Buffer;
}

/** Every frame the websocket receives from now on, in order. */
function framesOf(websocket: WebSocket): Frame[] {
  const frames: Frame[] = [];
  websocket.on('message', (data: Buffer, binary: boolean) => frames.push({binary, data}));
  return frames;
}

function textFrame(websocket: WebSocket, text: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer, binary: boolean) => {
      if (binary || data.toString() !== text) return;
      websocket.off('message', onMessage);
      resolve();
    };
    websocket.on('message', onMessage);
  });
}

function closeOf(websocket: WebSocket): Promise<[number, string]> {
  return once(websocket, 'close').then(([code, reason]) => [code as number, (reason as Buffer).toString()]);
}

test("the application's EOF crosses as `end` after its bytes; the other way flows on until the peer's end; then the websocket is released, open", async (t) => {
  const {app, peer, websocket, record, released, piped} = await setup(t);
  const frames = framesOf(peer);
  const up = randomPayload(300_001);
  const down = randomPayload(200_003);
  const peerGotEnd = textFrame(peer, 'end');
  app.end(up);
  await within(peerGotEnd, 5000, 'the end frame');
  assert.ok(frames.slice(0, -1).every((frame) => frame.binary));
  assert.equal(sha256(Buffer.concat(frames.slice(0, -1).map((frame) => frame.data))), sha256(up));
  assert.deepEqual(frames.at(-1), {binary: false, data: Buffer.from('end')});
  assert.equal(record.state, 'half-closed');
  assert.equal(record.endedDirection, 'to-exit');
  assert.equal(released.length, 0, 'not released before the other direction ended');

  const received = readToEnd(app);
  peer.send(down.subarray(0, 100_000), {binary: true});
  peer.send(down.subarray(100_000), {binary: true});
  peer.send('end');
  const got = await within(received, 5000, 'EOF at the application');
  assert.equal(got.error, undefined);
  assert.equal(sha256(got.data), sha256(down));
  await within(piped.done, 5000, 'the end of the connection');
  assert.deepEqual(released, [websocket]);
  assert.equal(websocket.readyState, websocket.OPEN, 'the websocket stays open for the next connection');
  assert.equal(record.state, 'closed');
  assert.equal(record.aborted, false);
  assert.equal(record.bytesToExit, up.length);
  assert.equal(record.bytesToEntrance, down.length);
});

test("the peer's end shuts the socket's write side; the application still sends until its own EOF", async (t) => {
  const {app, peer, released, record, piped} = await setup(t, {}, 'exit');
  const received = readToEnd(app);
  peer.send(Buffer.from('answer'), {binary: true});
  peer.send('end');
  const got = await within(received, 5000, 'EOF at the application');
  assert.equal(got.data.toString(), 'answer');
  assert.equal(record.state, 'half-closed');
  assert.equal(record.endedDirection, 'to-exit', 'at the exit, what the websocket brings travels toward the exit');
  const late = randomPayload(500_000);
  const gotLate = receiveBinary(peer, late.length);
  const peerGotEnd = textFrame(peer, 'end');
  app.write(late);
  assert.ok((await within(gotLate, 5000, 'the bytes sent after EOF')).equals(late));
  app.end();
  await within(peerGotEnd, 5000, 'the end frame');
  await within(piped.done, 5000, 'the end of the connection');
  assert.equal(released.length, 1);
  assert.equal(record.aborted, false);
});

test('a reset application aborts: the websocket is closed with 4000 and never released', async (t) => {
  const {app, peer, released, record, piped} = await setup(t);
  const closed = closeOf(peer);
  // Reset once the bytes are read: libuv reports an RST that comes in one wakeup with data as EOF.
  const got = receiveBinary(peer, 4);
  app.write('some');
  await within(got, 5000, 'the bytes');
  app.resetAndDestroy();
  const [code, reason] = await within(closed, 5000, 'the close');
  assert.equal(code, 4000);
  assert.equal(reason, 'reset: ECONNRESET');
  await within(piped.done, 5000, 'the end of the connection');
  assert.equal(released.length, 0);
  assert.equal(record.aborted, true);
});

for (const [what, cut] of [
  ['lost', (peer: WebSocket) => peer.terminate()],
  ['closed normally', (peer: WebSocket) => peer.close(1000)],
] as const) {
  test(`a websocket ${what} before both ends crossed resets the socket, even after the application's EOF`, async (t) => {
    const {app, peer, released, record} = await setup(t);
    const received = readToEnd(app);
    const peerGotEnd = textFrame(peer, 'end');
    peer.send(Buffer.from('partial'), {binary: true});
    app.end();
    await within(peerGotEnd, 5000, 'the end frame');
    cut(peer);
    const got = await within(received, 5000, 'the reset');
    assert.equal(got.error, 'ECONNRESET', 'a cut is never presented as a clean end');
    assert.equal(got.data.toString(), 'partial');
    await eventually(() => record.state === 'closed');
    assert.equal(record.aborted, true);
    assert.equal(released.length, 0);
  });
}

/** Resolves with the code of the error the application's socket gets when it writes on. */
async function writeFailure(app: Socket): Promise<string> {
  const failed = new Promise<string>((resolve) => app.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message)));
  const writing = setInterval(() => app.write('more'), 10);
  try {
    return await within(failed, 5000, 'a write failure');
  } finally {
    clearInterval(writing);
  }
}

test('an unknown text frame is a violation: close 1002 and the socket reset', async (t) => {
  const {app, peer, released} = await setup(t);
  const received = readToEnd(app);
  const closed = closeOf(peer);
  peer.send('pasten');
  assert.equal((await within(closed, 5000, 'the close'))[0], 1002);
  assert.equal((await within(received, 5000, 'the reset')).error, 'ECONNRESET');
  assert.equal(released.length, 0);
});

for (const [what, late] of [
  ['data after end', Buffer.from('late')],
  ['a second end', 'end'],
] as const) {
  test(`${what} is a violation: close 1002 and the socket reset (its write side fails)`, async (t) => {
    const {app, peer, released, record} = await setup(t);
    const received = readToEnd(app);
    const closed = closeOf(peer);
    peer.send('end');
    assert.equal((await within(received, 5000, 'the EOF')).error, undefined);
    peer.send(late, {binary: typeof late !== 'string'});
    assert.equal((await within(closed, 5000, 'the close'))[0], 1002);
    assert.match(await writeFailure(app), /^(ECONNRESET|EPIPE)$/);
    assert.equal(released.length, 0);
    assert.equal(record.aborted, true);
  });
}

test('empty binary frames carry nothing (they are not an EOF here)', async (t) => {
  const {app, peer} = await setup(t);
  const got = readExactly(app, 4);
  peer.send(Buffer.alloc(0), {binary: true});
  peer.send(Buffer.from('data'), {binary: true});
  assert.equal((await within(got, 5000, 'the data')).toString(), 'data');
  assert.ok(!app.readableEnded);
});

test('at the entrance the start frame comes first, with the header and the bytes the socket already had', async (t) => {
  const {app, socket} = await halfOpenPair(t);
  app.write('early bytes');
  await eventually(() => socket.readableLength === 11, 5000, 'the bytes to be buffered');
  const websockets = await websocketPair();
  t.after(() => websockets.close());
  const frames = framesOf(websockets.server);
  const record = new ConnectionRecord(1, 'entrance', undefined, new TunnelTraffic());
  pipeStream(socket, websockets.client, record, {start: {source: {address: '127.0.0.1', port: 4242}}, release: () => {}});
  app.write('later');
  const after = () => Buffer.concat(frames.slice(1).map((frame) => frame.data)).toString();
  await eventually(() => after().length >= 5, 5000, 'the bytes after the start frame');
  assert.equal(frames[0]!.binary, true);
  const start = decodeStartFrame(frames[0]!.data);
  assert.deepEqual(start.header, {source: {address: '127.0.0.1', port: 4242}});
  assert.equal(start.firstData.toString(), 'early bytes');
  assert.equal(after(), 'later', 'nothing sent twice');
  assert.equal(record.bytesToExit, 16);
});

test("at the exit the start frame's data are written first", async (t) => {
  const {app, peer} = await setup(t, {firstData: Buffer.from('first ')}, 'exit');
  const got = readExactly(app, 11);
  peer.send(Buffer.from('later'), {binary: true});
  assert.equal((await within(got, 5000, 'the bytes')).toString(), 'first later');
});

test('a socket that never connects (a refusing target) aborts with 1011 and the reason', async (t) => {
  const port = await freePort();
  const websockets = await websocketPair();
  t.after(() => websockets.close());
  const socket = connect({port, host: '127.0.0.1', allowHalfOpen: true});
  const closed = closeOf(websockets.server);
  pipeStream(socket, websockets.client, new ConnectionRecord(1, 'exit', undefined, new TunnelTraffic()), {release: () => {}});
  assert.deepEqual(await within(closed, 5000, 'the close'), [1011, `exit 127.0.0.1:${port} unreachable: ECONNREFUSED`]);
});

test("destroy() just after the peer's end, the socket's shutdown still under way: the socket is closed all the same", async (t) => {
  const {app, socket} = await halfOpenPair(t);
  const websockets = await websocketPair();
  t.after(() => websockets.close());
  const received = readToEnd(app);
  // A forced stop that comes in the turn where the end frame shut the socket's write side: libuv
  // cannot reset a socket whose shutdown is pending, and Node then never closes it.
  let piped!: ReturnType<typeof pipeStream>;
  const record = new (class extends ConnectionRecord {
    override websocketEnded(): void {
      super.websocketEnded();
      queueMicrotask(() => piped.destroy());
    }
  })(1, 'exit', undefined, new TunnelTraffic());
  piped = pipeStream(socket, websockets.client, record, {release: () => {}});
  websockets.server.send('end');
  await within(piped.done, 5000, 'the end of the connection');
  assert.equal(socket.destroyed, true);
  assert.equal(record.aborted, true);
  assert.equal((await within(received, 5000, "the application's end")).data.length, 0);
});

test('destroy() cuts both halves: the websocket is cut, the application reset', async (t) => {
  const {app, peer, piped, record} = await setup(t);
  const received = readToEnd(app);
  const closed = closeOf(peer);
  piped.destroy();
  assert.equal((await within(closed, 5000, 'the cut'))[0], 1006);
  assert.equal((await within(received, 5000, 'the reset')).error, 'ECONNRESET');
  await within(piped.done, 5000, 'the end of the connection');
  assert.equal(record.aborted, true);
});

test('a paused far end holds the application back, then gets every byte and the end', async (t) => {
  const {app, peer, record} = await setup(t);
  const payload = randomPayload(32 * 1024 * 1024);
  peer.pause();
  const sending = writeWithBackpressure(app, payload);
  await settledValue(() => record.bytesToExit + sending.written());
  assert.ok(sending.written() < payload.length, 'the application is held back');
  assert.ok(record.bytesToExit <= 16 * 1024 * 1024, `${record.bytesToExit} bytes were read for a paused reader`);
  const received = receiveBinary(peer, payload.length);
  const peerGotEnd = textFrame(peer, 'end');
  peer.resume();
  await within(sending.done, 10_000, 'sending to be done');
  app.end();
  assert.equal(sha256(await within(received, 20_000, 'every byte')), sha256(payload));
  await within(peerGotEnd, 5000, 'the end frame');
});

test('a paused application holds the far end back, then gets every byte and the EOF', async (t) => {
  const {app, peer, record} = await setup(t);
  const payload = randomPayload(32 * 1024 * 1024);
  app.pause();
  let sent = 0;
  const sending = (async () => {
    while (sent < payload.length) {
      const chunk = payload.subarray(sent, sent + 64 * 1024);
      sent += chunk.length;
      if (peer.bufferedAmount > 1024 * 1024) await new Promise<void>((resolve, reject) => peer.send(chunk, {binary: true}, (error) => (error ? reject(error) : resolve())));
      else peer.send(chunk, {binary: true});
    }
    peer.send('end');
  })();
  await settledValue(() => record.bytesToEntrance + sent);
  assert.ok(sent < payload.length, 'the far end is held back');
  assert.ok(record.bytesToEntrance <= 16 * 1024 * 1024, `${record.bytesToEntrance} bytes were written for a paused reader`);
  const received = readToEnd(app);
  app.resume();
  await within(sending, 60_000, 'every byte sent');
  const got = await within(received, 20_000, 'every byte and the EOF');
  assert.equal(got.error, undefined);
  assert.equal(sha256(got.data), sha256(payload));
});
