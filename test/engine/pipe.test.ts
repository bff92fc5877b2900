/** The socket <-> websocket pipe on its own, over a real TCP pair and a real websocket pair. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type {TestContext} from 'node:test';
import type WebSocket from 'ws';
import {pipeSocketToWebsocket, type PipeCounters} from '../../source/engine/pipe.js';
import {randomPayload, readUntilClosed} from '../helpers/tcp.js';
import {readExactly, settledValue, sha256, within, writeWithBackpressure} from '../helpers/streams.js';
import {receiveBinary, socketPair, websocketPair} from '../helpers/websockets.js';

class Counters implements PipeCounters {
  toWebsocket = 0;
  toSocket = 0;
  socketToWebsocket(bytes: number): void {
    this.toWebsocket += bytes;
  }
  websocketToSocket(bytes: number): void {
    this.toSocket += bytes;
  }
}

/**
 * app <-TCP-> piped socket =pipe= piped websocket <-ws-> peer
 * The test plays the application (`app`) and the far end of the websocket (`peer`).
 */
async function setup(t: TestContext, pending: Buffer[] = []) {
  const sockets = await socketPair();
  const websockets = await websocketPair();
  t.after(() => sockets.close());
  t.after(() => websockets.close());
  const counters = new Counters();
  const piped = pipeSocketToWebsocket(sockets.b, websockets.client, counters, pending);
  return {app: sockets.a, socket: sockets.b, websocket: websockets.client, peer: websockets.server, counters, piped};
}

function closeOf(websocket: WebSocket): Promise<number> {
  return once(websocket, 'close').then(([code]) => code as number);
}

test('bytes go both ways, byte-exact, and are counted', async (t) => {
  const {app, peer, counters} = await setup(t);
  const up = randomPayload(300_001);
  const down = randomPayload(200_003);
  const gotUp = receiveBinary(peer, up.length);
  const gotDown = readExactly(app, down.length);
  app.write(up);
  peer.send(down.subarray(0, 100_000), {binary: true});
  peer.send(down.subarray(100_000), {binary: true});
  assert.ok((await gotUp).equals(up));
  assert.ok((await gotDown).equals(down));
  assert.equal(counters.toWebsocket, up.length);
  assert.equal(counters.toSocket, down.length);
});

test('text frames carry no bytes', async (t) => {
  const {app, peer, counters} = await setup(t);
  const got = readExactly(app, 3);
  peer.send('pasten');
  peer.send(Buffer.from('abc'), {binary: true});
  assert.equal((await got).toString(), 'abc');
  assert.equal(counters.toSocket, 3);
});

test('frames that came before the pipe are written first', async (t) => {
  const {app, peer} = await setup(t, [Buffer.from('early-1 '), Buffer.from('early-2 ')]);
  const got = readExactly(app, 20);
  peer.send(Buffer.from('late-1 late'), {binary: true});
  assert.equal((await got).toString(), 'early-1 early-2 late');
});

test('the application hanging up closes the websocket with 1000; bytes in flight still reach it', async (t) => {
  const {app, peer, piped} = await setup(t);
  const tail = randomPayload(100_000);
  const received = readUntilClosed(app);
  const closed = closeOf(peer);
  peer.send(tail, {binary: true});
  app.end();
  assert.equal(await closed, 1000);
  const got = await within(received, 10_000, 'every byte');
  assert.ok(got.equals(tail), `the application got ${got.length} of ${tail.length} bytes`);
  await within(piped.done, 10_000, 'piped to be done');
});

test('the websocket closing ends the socket after every byte it carried', async (t) => {
  const {app, peer, piped, socket} = await setup(t);
  const payload = randomPayload(2 * 1024 * 1024 + 1);
  const received = readUntilClosed(app);
  peer.send(payload, {binary: true});
  peer.close(1000);
  const got = await within(received, 10_000, 'every byte');
  assert.equal(got.length, payload.length);
  assert.ok(got.equals(payload));
  await within(piped.done, 10_000, 'piped to be done');
  assert.ok(socket.destroyed);
});

test('a reset application connection cuts the websocket', async (t) => {
  const {app, peer, piped} = await setup(t);
  const closed = closeOf(peer);
  app.resetAndDestroy();
  assert.equal(await closed, 1006);
  await within(piped.done, 10_000, 'piped to be done');
});

test('a cut websocket closes the application connection', async (t) => {
  const {app, peer, piped} = await setup(t);
  const received = readUntilClosed(app);
  peer.terminate();
  assert.equal((await received).length, 0);
  await within(piped.done, 10_000, 'piped to be done');
});

test('destroy() cuts both halves', async (t) => {
  const {app, peer, piped} = await setup(t);
  const received = readUntilClosed(app);
  const closed = closeOf(peer);
  piped.destroy();
  await within(Promise.all([received, closed, piped.done]), 10_000, 'the bytes, the close and the end of the pipe');
});

test('a paused websocket reader holds the socket back, then gets every byte', async (t) => {
  const {app, peer, counters} = await setup(t);
  const payload = randomPayload(32 * 1024 * 1024);
  peer.pause();
  const sending = writeWithBackpressure(app, payload);
  await settledValue(() => counters.toWebsocket + sending.written());
  t.diagnostic(`held: ${counters.toWebsocket}`);
  assert.ok(sending.written() < payload.length, 'the application is held back');
  assert.ok(counters.toWebsocket <= 16 * 1024 * 1024, `${counters.toWebsocket} bytes were read for a paused reader`);
  const received = receiveBinary(peer, payload.length);
  peer.resume();
  const [got] = await within(Promise.all([received, sending.done]), 60_000, 'every byte');
  assert.equal(sha256(got), sha256(payload));
});

test('a paused socket reader holds the websocket back, then gets every byte', async (t) => {
  const {app, peer, counters} = await setup(t);
  const payload = randomPayload(32 * 1024 * 1024);
  app.pause();
  // The peer sends as fast as its own websocket takes it.
  let sent = 0;
  const sending = (async () => {
    while (sent < payload.length) {
      const chunk = payload.subarray(sent, sent + 64 * 1024);
      sent += chunk.length;
      if (peer.bufferedAmount > 1024 * 1024) await new Promise<void>((resolve, reject) => peer.send(chunk, {binary: true}, (error) => (error ? reject(error) : resolve())));
      else peer.send(chunk, {binary: true});
    }
  })();
  await settledValue(() => counters.toSocket + sent);
  t.diagnostic(`held: ${counters.toSocket}`);
  assert.ok(sent < payload.length, 'the peer is held back');
  assert.ok(counters.toSocket <= 16 * 1024 * 1024, `${counters.toSocket} bytes were written for a paused reader`);
  const received = readExactly(app, payload.length);
  app.resume();
  const [got] = await within(Promise.all([received, sending]), 60_000, 'every byte');
  assert.equal(sha256(got), sha256(payload));
});

/** Fills the path toward a paused application: the pipe pauses the websocket. */
async function stallTowardApp(app: import('node:net').Socket, peer: WebSocket, counters: Counters): Promise<void> {
  app.pause();
  const chunk = randomPayload(64 * 1024);
  const flood = setInterval(() => {
    if (peer.readyState === peer.OPEN && peer.bufferedAmount < 1024 * 1024) for (let i = 0; i < 16; i += 1) peer.send(chunk, {binary: true});
  }, 5);
  await settledValue(() => counters.toSocket);
  clearInterval(flood);
}

test('an application that hangs up while it is not reading still completes the close at once', async (t) => {
  const {app, peer, counters, piped} = await setup(t);
  await stallTowardApp(app, peer, counters);
  const closed = closeOf(peer);
  app.end();
  // A paused websocket would not read the answering close frame: ws would wait 30 s.
  assert.equal(await within(closed, 10_000, 'the close handshake'), 1000);
  app.destroy();
  await within(piped.done, 10_000, 'the end of the pipe');
});

test('an application that disappears while it is not reading cuts the websocket at once', async (t) => {
  const {app, peer, counters, piped} = await setup(t);
  await stallTowardApp(app, peer, counters);
  const closed = closeOf(peer);
  app.destroy();
  await within(closed, 10_000, 'the websocket close');
  await within(piped.done, 10_000, 'the end of the pipe');
});
