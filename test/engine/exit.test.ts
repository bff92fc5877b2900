/** The exit of a tunnel on its own: the start marker, the connect, an unreachable target. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type {TestContext} from 'node:test';
import type WebSocket from 'ws';
import {ExitPoint} from '../../source/engine/exit.js';
import {freePort, randomPayload, startEchoServer} from '../helpers/tcp.js';
import {startScriptedService, within} from '../helpers/streams.js';
import {receiveBinary, websocketPair} from '../helpers/websockets.js';
import {startStuckService} from '../helpers/processes.js';

/** The exit takes one side of a websocket pair; the test plays the entrance on the other. */
async function setup(t: TestContext, port: number) {
  const pair = await websocketPair();
  t.after(() => pair.close());
  const exit = new ExitPoint({address: '127.0.0.1', port});
  t.after(() => exit.stop(true));
  exit.accept(pair.server);
  return {exit, entrance: pair.client, exitSide: pair.server};
}

function closeOf(websocket: WebSocket): Promise<[number, string]> {
  return once(websocket, 'close').then(([code, reason]) => [code as number, (reason as Buffer).toString()]);
}

test('nothing is connected before the start marker; after it, bytes flow to the target and back', async (t) => {
  const echo = await startEchoServer();
  t.after(() => echo.close());
  const {entrance, exit} = await setup(t, echo.port);
  assert.equal(echo.accepted.length, 0, 'an idle websocket opens no connection');
  const payload = randomPayload(500_000);
  const answer = receiveBinary(entrance, payload.length);
  entrance.send('pasten');
  // Sent before the exit is connected: kept and written first.
  entrance.send(payload.subarray(0, 1000), {binary: true});
  entrance.send(payload.subarray(1000), {binary: true});
  assert.ok((await answer).equals(payload));
  assert.equal(echo.accepted.length, 1);
  assert.equal(exit.connections.traffic.bytesToExit, payload.length);
  assert.equal(exit.connections.traffic.bytesToEntrance, payload.length);
});

test('a first frame that is not the marker is refused with 1002', async (t) => {
  const echo = await startEchoServer();
  t.after(() => echo.close());
  const {entrance} = await setup(t, echo.port);
  const closed = closeOf(entrance);
  entrance.send(Buffer.from('pasten'), {binary: true});
  assert.deepEqual(await closed, [1002, 'expected the start marker']);
  assert.equal(echo.accepted.length, 0);
});

test('an unreachable target closes the websocket at once with 1011 and the reason', async (t) => {
  const port = await freePort();
  const {entrance} = await setup(t, port);
  const closed = closeOf(entrance);
  entrance.send('pasten');
  entrance.send(Buffer.from('data for nobody'), {binary: true});
  assert.deepEqual(await within(closed, 10_000, 'the close'), [1011, `exit 127.0.0.1:${port} unreachable: ECONNREFUSED`]);
});

test('stop() closes the websockets still waiting for their marker, and refuses new ones', async (t) => {
  const service = await startScriptedService();
  t.after(() => service.close());
  const {entrance, exit} = await setup(t, service.port);
  const closed = closeOf(entrance);
  await exit.stop(false);
  assert.equal((await closed)[0], 1000);
  const late = await websocketPair();
  t.after(() => late.close());
  const lateClosed = closeOf(late.client);
  exit.accept(late.server);
  assert.equal((await lateClosed)[0], 1000);
});

test('stop(true) cuts a connection whose target is still connecting; the stop does not wait for it', async (t) => {
  const stuck = await startStuckService();
  t.after(() => stuck.close());
  const {entrance, exit, exitSide} = await setup(t, stuck.port);
  // The test's own listener runs right after the exit's: the marker has been taken.
  const markerTaken = once(exitSide, 'message');
  entrance.send('pasten');
  await within(markerTaken, 10_000, 'the start marker taken');
  const closed = closeOf(entrance);
  await within(exit.stop(true), 10_000, 'the forced stop');
  assert.equal((await within(closed, 10_000, 'the close of the connecting websocket'))[0], 1006);
});
