/**
 * The entrance on its own, the test playing the exit side on real websockets: the classic
 * supply's frames byte for byte, and the stream extension's start frame, ends and reuse.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {subscribe, unsubscribe} from 'node:diagnostics_channel';
import type {Socket} from 'node:net';
import type WebSocket from 'ws';
import {Entrance} from '../../source/engine/entrance.js';
import {WebsocketPool} from '../../source/engine/websocket-pool.js';
import {WebsocketSupply} from '../../source/engine/websocket-supply.js';
import {decodeStartFrame} from '../../source/protocol/stream-frames.js';
import {deferrer, type Defer} from '../helpers/cleanup.js';
import {within} from '../helpers/streams.js';
import {eventually} from '../helpers/netunnel.js';
import {openHalfOpen, readToEnd} from '../helpers/half-open.js';
import {startWebsocketServer} from '../helpers/websocket-server.js';

interface Frame {
  binary: boolean;
  data: Buffer;
}

/** Every frame each accepted websocket receives, by websocket. */
function recordFrames(accepted: (handler: (websocket: WebSocket) => void) => void): Map<WebSocket, Frame[]> {
  const frames = new Map<WebSocket, Frame[]>();
  accepted((websocket) => {
    const list: Frame[] = [];
    frames.set(websocket, list);
    websocket.on('message', (data: Buffer, binary: boolean) => list.push({binary, data}));
  });
  return frames;
}

async function listen(defer: Defer, entrance: Entrance): Promise<number> {
  defer(() => entrance.stop(true));
  return (await entrance.listen('127.0.0.1', 0)).port;
}

test('classic: the marker as a text frame, the bytes as binary frames, a close 1000 at the end, nothing else', async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  const frames = recordFrames((handler) => server.onAccept(handler));
  const supply = new WebsocketSupply(() => server.requester());
  const port = await listen(defer, new Entrance(supply));
  supply.start();
  await within(supply.whenReady(), 5000, 'the spare');
  const app = await openHalfOpen(defer, port);
  const exitSide = server.accepted[0]!;
  const closed = once(exitSide, 'close') as Promise<[number]>;
  app.end('request');
  assert.equal((await within(closed, 5000, 'the close'))[0], 1000);
  assert.deepEqual(
    frames.get(exitSide)!.map((frame) => [frame.binary, frame.data.toString()]),
    [
      [false, 'pasten'],
      [true, 'request'],
    ],
  );
});

test("stream: a start frame with the application's address, the bytes, `end`; after the exit's end the websocket carries the next connection", async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  const frames = recordFrames((handler) => server.onAccept(handler));
  const pool = new WebsocketPool(() => server.requester(), {minIdle: 1, maxIdle: 4});
  const entrance = new Entrance(pool);
  const port = await listen(defer, entrance);
  pool.start();
  await within(pool.whenReady(), 5000, 'the first websocket');
  const firstWebsocket = server.accepted[0]!;

  for (const round of [1, 2]) {
    const app = await openHalfOpen(defer, port);
    const answer = readToEnd(app);
    const before = new Map([...frames].map(([websocket, list]) => [websocket, list.length]));
    app.end(`request ${round}`);
    // The pool may hand out its replacement first: find the websocket that got this connection.
    let exitSide: WebSocket | undefined;
    await eventually(
      () => {
        exitSide = [...frames.keys()].find((websocket) => frames.get(websocket)!.at(-1)?.data.toString() === 'end' && frames.get(websocket)!.length > (before.get(websocket) ?? 0));
        return exitSide !== undefined;
      },
      5000,
      'the end frame',
    );
    const [startFrame, ...rest] = frames.get(exitSide!)!.slice(before.get(exitSide!) ?? 0);
    assert.equal(startFrame!.binary, true);
    const decoded = decodeStartFrame(startFrame!.data);
    assert.deepEqual(decoded.header, {source: {address: app.localAddress, port: app.localPort}});
    const sent = Buffer.concat([decoded.firstData, ...rest.slice(0, -1).map((frame) => frame.data)]).toString();
    assert.equal(sent, `request ${round}`);
    assert.ok(rest.slice(0, -1).every((frame) => frame.binary));
    exitSide!.send(Buffer.from(`answer ${round}`), {binary: true});
    exitSide!.send('end');
    const got = await within(answer, 5000, 'the answer');
    assert.equal(got.error, undefined);
    assert.equal(got.data.toString(), `answer ${round}`);
    await eventually(() => entrance.connections.size === 0, 5000, 'the connection to close');
    if (round === 1) {
      assert.equal(exitSide, firstWebsocket);
      assert.equal(firstWebsocket.readyState, firstWebsocket.OPEN, 'the websocket stays open');
      await eventually(() => pool.idleCount === 2, 5000, 'it and its replacement to be idle');
    }
  }
  assert.equal(server.accepted.length, 2, 'two websockets for two connections in a row, the second one ready ahead');
  assert.equal(entrance.connections.traffic.totalConnections, 2);
});

test('stream: a connection that leaves while it waits for a websocket gives it back unused', async (t) => {
  const defer = deferrer(t);
  const server = await startWebsocketServer(defer);
  const frames = recordFrames((handler) => server.onAccept(handler));
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let requests = 0;
  const pool = new WebsocketPool(async () => {
    requests += 1;
    if (requests > 1) await gate;
    return server.requester();
  });
  const port = await listen(defer, new Entrance(pool));
  // The entrance's own end of each connection, to see when it noticed the reset.
  const accepted: Socket[] = [];
  const onSocket = ({socket}: {socket: Socket}) => void (socket.localPort === port && accepted.push(socket));
  subscribe('net.server.socket', onSocket as (message: unknown) => void);
  defer(() => unsubscribe('net.server.socket', onSocket as (message: unknown) => void));
  pool.start();
  await within(pool.whenReady(), 5000, 'the first websocket');
  const first = await openHalfOpen(defer, port);
  await eventually(() => requests >= 2, 5000, 'the replacement to be asked for');
  const second = await openHalfOpen(defer, port);
  await eventually(() => pool.waitedTakes === 1 && accepted.length === 2, 5000, 'the second connection to wait');
  // A reset (an end would be a half-close, which the extension carries).
  const gone = new Promise((resolve) => accepted[1]!.once('close', resolve));
  second.resetAndDestroy();
  await within(gone, 5000, 'the entrance to see the reset');
  open();
  await eventually(() => pool.idleCount >= 1, 5000, 'the websocket to go back to the pool');
  const unused = server.accepted.slice(1);
  assert.ok(unused.length >= 1);
  assert.ok(unused.every((websocket) => frames.get(websocket)!.length === 0), 'no start frame was sent on it');
  first.destroy();
});

test('stream: a refused websocket resets the waiting connection', async (t) => {
  const defer = deferrer(t);
  let calls = 0;
  const server = await startWebsocketServer(defer);
  const pool = new WebsocketPool(() => (++calls === 1 ? server.requester() : Promise.reject(new Error('refused'))), {minIdle: 1, maxIdle: 1});
  const port = await listen(defer, new Entrance(pool));
  pool.start();
  await within(pool.whenReady(), 5000, 'the first websocket');
  const first = await openHalfOpen(defer, port);
  await eventually(() => pool.busyCount === 1, 5000, 'the first connection to take the websocket');
  const second = await openHalfOpen(defer, port);
  const got = await within(readToEnd(second), 5000, 'the refusal');
  assert.equal(got.error, 'ECONNRESET', 'not a clean end');
  first.destroy();
});
