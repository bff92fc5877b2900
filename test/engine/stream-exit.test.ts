/**
 * The exit side of the stream extension (an ExitPoint with `streams` on): start frames, the
 * next start on the same websocket, idle closes, wrong frames, classic peers, stop. The test
 * plays the entrance on the other side of a real websocket pair.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type {Socket} from 'node:net';
import type {TestContext} from 'node:test';
import type WebSocket from 'ws';
import {ExitPoint} from '../../source/engine/exit.js';
import {encodeStartFrame} from '../../source/protocol/stream-frames.js';
import {freePort} from '../helpers/tcp.js';
import {readExactly, within} from '../helpers/streams.js';
import {deferrer} from '../helpers/cleanup.js';
import {startHalfOpenService} from '../helpers/half-open.js';
import {websocketPair} from '../helpers/websockets.js';
import {eventually} from '../helpers/netunnel.js';

async function setup(t: TestContext, options: {port?: number; streams?: boolean; watchIdle?: (websocket: WebSocket) => () => void} = {}) {
  const service = await startHalfOpenService(deferrer(t));
  const pair = await websocketPair();
  t.after(() => pair.close());
  const exit = new ExitPoint({address: '127.0.0.1', port: options.port ?? service.port}, {streams: options.streams ?? true, watchIdle: options.watchIdle});
  t.after(() => exit.stop(true));
  exit.accept(pair.server);
  return {service, exit, entrance: pair.client};
}

interface Frame {
  binary: boolean;
  data: Buffer;
}

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

/** One whole connection from the entrance's side: start with `request`, end, read the answer and its end. */
async function carryOne(entrance: WebSocket, serviceSocket: Promise<Socket>, request: string, answer: string): Promise<string> {
  const frames = framesOf(entrance);
  const ended = textFrame(entrance, 'end');
  entrance.send(encodeStartFrame({}, Buffer.from(request)));
  const socket = await within(serviceSocket, 5000, 'the connection to the service');
  assert.equal((await readExactly(socket, request.length)).toString(), request);
  entrance.send('end');
  await within(once(socket, 'end'), 5000, "the entrance's end at the service");
  socket.end(answer);
  await within(ended, 5000, "the exit's end");
  entrance.removeAllListeners('message');
  return Buffer.concat(frames.filter((frame) => frame.binary).map((frame) => frame.data)).toString();
}

test('a start frame connects, its data first; both ends cross; the same websocket carries the next connection', async (t) => {
  const {service, exit, entrance} = await setup(t);
  assert.equal(service.server.listening, true);
  const opened: number[] = [];
  exit.connections.on('opened', (record) => opened.push(record.id));
  const frames = framesOf(entrance);
  const ended = textFrame(entrance, 'end');
  entrance.send(encodeStartFrame({source: {address: '10.1.2.3', port: 5555}}, Buffer.from('hello')));
  entrance.send(Buffer.from(' world'), {binary: true});
  const socket = await within(service.nextSocket(), 5000, 'the first connection');
  assert.equal((await readExactly(socket, 11)).toString(), 'hello world');
  const [record] = exit.connections.list();
  assert.deepEqual(record!.source, {address: '10.1.2.3', port: 5555}, "the entrance's metadata is on the exit's record");
  entrance.send('end');
  await within(once(socket, 'end'), 5000, 'EOF at the service');
  socket.end('bye');
  await within(ended, 5000, "the exit's end");
  assert.deepEqual(
    frames.map((frame) => [frame.binary, frame.data.toString()]),
    [
      [true, 'bye'],
      [false, 'end'],
    ],
  );
  await eventually(() => exit.connections.size === 0, 5000, 'the first connection to close');
  entrance.removeAllListeners('message');

  assert.equal(await carryOne(entrance, service.nextSocket(), 'second', 'answer 2'), 'answer 2');
  assert.deepEqual(opened, [1, 2]);
  assert.equal(exit.connections.traffic.totalConnections, 2, 'two connections, one websocket');
  assert.equal(exit.connections.traffic.bytesToExit, 'hello world'.length + 'second'.length);
  assert.equal(exit.connections.traffic.bytesToEntrance, 'bye'.length + 'answer 2'.length);
});

test('an idle websocket that the entrance closes is dropped; nothing reaches the service', async (t) => {
  const {service, exit, entrance} = await setup(t);
  assert.equal(await carryOne(entrance, service.nextSocket(), 'one', 'two'), 'two');
  await eventually(() => exit.connections.size === 0, 5000, 'the connection to close');
  const closed = closeOf(entrance);
  entrance.close(1000);
  assert.equal((await within(closed, 5000, 'the close'))[0], 1000);
  assert.equal(exit.connections.size, 0);
  assert.equal(exit.connections.traffic.totalConnections, 1);
});

for (const [what, first, second] of [
  ['a first frame that is binary but no start frame', Buffer.from('pasten'), undefined],
  ['the classic marker on a reused websocket', undefined, 'pasten'],
  ['data where a start frame is due on a reused websocket', undefined, Buffer.from([0x53, 0x02, 0, 2, 0x7b, 0x7d])],
] as Array<[string, Buffer | undefined, string | Buffer | undefined]>) {
  test(`${what} is a violation: closed with 1002`, async (t) => {
    const {service, exit, entrance} = await setup(t);
    if (first === undefined) {
      await carryOne(entrance, service.nextSocket(), 'one', 'two');
      await eventually(() => exit.connections.size === 0, 5000, 'the connection to close');
    }
    const closed = closeOf(entrance);
    const frame = first ?? second!;
    entrance.send(frame, {binary: typeof frame !== 'string'});
    assert.equal((await within(closed, 5000, 'the close'))[0], 1002);
    assert.equal(exit.connections.size, 0);
  });
}

test('an unreachable target aborts with 1011 and the reason', async (t) => {
  const port = await freePort();
  const {entrance} = await setup(t, {port});
  const closed = closeOf(entrance);
  entrance.send(encodeStartFrame({}, Buffer.from('for nobody')));
  assert.deepEqual(await within(closed, 5000, 'the close'), [1011, `exit 127.0.0.1:${port} unreachable: ECONNREFUSED`]);
});

test('a classic peer gets the classic behaviour byte for byte: marker, binary frames, close 1000 at the end', async (t) => {
  const {service, exit, entrance} = await setup(t);
  const frames = framesOf(entrance);
  const closed = closeOf(entrance);
  entrance.send('pasten');
  entrance.send(Buffer.from('request'), {binary: true});
  const socket = await within(service.nextSocket(), 5000, 'the connection');
  assert.equal((await readExactly(socket, 7)).toString(), 'request');
  socket.end('answer');
  assert.equal((await within(closed, 5000, 'the close'))[0], 1000);
  assert.deepEqual(
    frames.map((frame) => [frame.binary, frame.data.toString()]),
    [[true, 'answer']],
    'no frame of the extension went to a classic peer',
  );
  await eventually(() => exit.connections.size === 0, 5000, 'the connection to close');
});

test('an exit without the extension refuses a start frame with 1002', async (t) => {
  const {service, entrance} = await setup(t, {streams: false});
  const closed = closeOf(entrance);
  entrance.send(encodeStartFrame({}));
  assert.deepEqual(await within(closed, 5000, 'the close'), [1002, 'expected the start marker']);
  assert.equal(service.server.listening, true);
});

test('stop(): idle websockets closed with 1000; after a graceful stop a finishing connection lets its websocket go', async (t) => {
  const {service, exit, entrance} = await setup(t);
  const frames = framesOf(entrance);
  entrance.send(encodeStartFrame({}, Buffer.from('busy')));
  const socket = await within(service.nextSocket(), 5000, 'the connection');
  await readExactly(socket, 4);
  const stopped = exit.stop(false);
  const closed = closeOf(entrance);
  entrance.send('end');
  await within(once(socket, 'end'), 5000, 'EOF at the service');
  socket.end('last words');
  await within(stopped, 5000, 'the graceful stop');
  assert.equal((await within(closed, 5000, 'the close'))[0], 1000);
  assert.deepEqual(
    frames.map((frame) => frame.data.toString()),
    ['last words', 'end'],
    'the connection finished cleanly before the websocket was let go',
  );
  const late = await websocketPair();
  t.after(() => late.close());
  const lateClosed = closeOf(late.client);
  exit.accept(late.server);
  assert.equal((await within(lateClosed, 5000, 'the refusal'))[0], 1000);
});

test('a start frame that crosses the close of a stopping exit connects nothing', async (t) => {
  const {service, exit, entrance} = await setup(t);
  await carryOne(entrance, service.nextSocket(), 'one', 'two');
  await eventually(() => exit.connections.size === 0, 5000, 'the connection to close');
  const closed = closeOf(entrance);
  // The stop closes the idle websocket while a start frame is already on its way.
  entrance.send(encodeStartFrame({}, Buffer.from('too late')));
  await exit.stop(false);
  assert.ok([1000, 4000].includes((await within(closed, 5000, 'the close'))[0]));
  assert.equal(service.accepted.length, 1, 'no connection to the target after the stop');
  assert.equal(exit.connections.traffic.totalConnections, 1);
});

test('a reused websocket is watched while it waits for its next start, and no longer once one came', async (t) => {
  const watched: string[] = [];
  const {service, exit, entrance} = await setup(t, {
    watchIdle: () => {
      watched.push('watch');
      return () => watched.push('unwatch');
    },
  });
  await carryOne(entrance, service.nextSocket(), 'one', 'two');
  await eventually(() => exit.connections.size === 0, 5000, 'the connection to close');
  assert.deepEqual(watched, ['watch'], 'the first wait is the acceptor\'s; the wait after a connection is watched');
  assert.equal(await carryOne(entrance, service.nextSocket(), 'three', 'four'), 'four');
  assert.deepEqual(watched.slice(0, 2), ['watch', 'unwatch']);
});
