/**
 * Clients that hold the server's sockets without finishing anything: headers trickled a byte
 * at a time (slow-loris), a connection that never sends, a body that never completes, an
 * upgrade that never ends, and websocket peers that make the server answer but never read.
 * Each is cut with its answer (408) or closed, and counted in /metrics.
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {connect, type Socket} from 'node:net';
import {once} from 'node:events';
import {rawExchange, rawRequest} from '../../helpers/raw-http.js';
import {BSON} from 'bson';
import {encodeFrame, OPCODES, type RawWebsocket} from '../../helpers/raw-websocket.js';
import {within} from '../../helpers/streams.js';
import {startWatchedServer, type WatchedServer} from '../../helpers/watched-server.js';
import {openChannel, upgraded} from './attacks/raw-session.js';

const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 800;
let server: WatchedServer;

before(async () => {
  server = await startWatchedServer({
    limits: {headers_timeout_ms: HEADERS_TIMEOUT_MS, request_timeout_ms: REQUEST_TIMEOUT_MS, unread_websocket_bytes: 2 * 1024 * 1024},
  });
});
after(() => server.kill());

/** Everything the server writes until it closes, and how long that took. */
async function heldOpen(write: (socket: Socket) => void): Promise<{text: string; ms: number}> {
  const started = Date.now();
  const socket = connect({port: server.port, host: '127.0.0.1'});
  socket.on('error', () => {});
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  write(socket);
  await within(closed, 10_000, 'the server to close the connection');
  return {text: Buffer.concat(chunks).toString('latin1'), ms: Date.now() - started};
}

function trickle(socket: Socket, text: string, everyMs: number): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text[index++]!);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);
const statusOf = (text: string) => text.slice(0, text.indexOf('\r\n'));

async function refusals(limit: string): Promise<number> {
  const {text} = await rawRequest(server.url, 'GET', '/metrics');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`netunnel_limit_refusals_total{limit="${limit}"}`));
  return Number(line?.split(' ')[1]);
}

test('headers trickled a byte at a time (slow-loris) are cut with a 408 once the headers timeout passes', async () => {
  const before = await refusals('headers_timeout_ms');
  const {text, ms} = await heldOpen((socket) => trickle(socket, `GET /version HTTP/1.1\r\nHost: x\r\n${'X-Slow: 1\r\n'.repeat(100)}\r\n`, 20));
  assert.equal(statusOf(text), 'HTTP/1.1 408 Request Timeout');
  assert.equal(bodyOf(text), JSON.stringify({error: `The request headers did not arrive within ${HEADERS_TIMEOUT_MS} ms`}));
  assert.ok(ms >= HEADERS_TIMEOUT_MS && ms < HEADERS_TIMEOUT_MS + 2000, `cut after ${ms} ms`);
  assert.equal(await refusals('headers_timeout_ms'), before + 1);
});

test('a connection that sends nothing is cut the same way', async () => {
  const {text, ms} = await heldOpen(() => {});
  assert.equal(statusOf(text), 'HTTP/1.1 408 Request Timeout');
  assert.ok(ms >= HEADERS_TIMEOUT_MS && ms < HEADERS_TIMEOUT_MS + 2000, `cut after ${ms} ms`);
});

test('an upgrade whose headers never end is cut too', async () => {
  const {text} = await heldOpen((socket) => socket.write('GET /events HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'));
  assert.equal(statusOf(text), 'HTTP/1.1 408 Request Timeout');
});

test('a body that never completes (a Content-Length that lies) is cut with a 408 after the request timeout', async () => {
  const before = await refusals('request_timeout_ms');
  const {text, ms} = await heldOpen((socket) => socket.write('POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"version"'));
  assert.equal(statusOf(text), 'HTTP/1.1 408 Request Timeout');
  assert.equal(bodyOf(text), JSON.stringify({error: `The request did not arrive within ${REQUEST_TIMEOUT_MS} ms`}));
  assert.ok(ms >= REQUEST_TIMEOUT_MS && ms < REQUEST_TIMEOUT_MS + 2000, `cut after ${ms} ms`);
  assert.equal(await refusals('request_timeout_ms'), before + 1);
});

test('a body trickled forever is cut by the same timeout', async () => {
  const {text} = await heldOpen((socket) => {
    socket.write('POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
    trickle(socket, ' '.repeat(100_000), 10);
  });
  assert.equal(statusOf(text), 'HTTP/1.1 408 Request Timeout');
});

/** Writes `burst` up to `rounds` times, as fast as the socket takes it, until the server closes it. */
async function flood(websocket: RawWebsocket, burst: Buffer, rounds: number): Promise<void> {
  const closed = new Promise<void>((resolve) => websocket.socket.once('close', () => resolve()));
  for (let round = 0; round < rounds && !websocket.closed; round += 1) {
    if (!websocket.write(burst)) await Promise.race([new Promise((resolve) => websocket.socket.once('drain', resolve)), closed]);
  }
  await within(closed, 10_000, 'the server to cut the websocket');
}

test('a peer that floods pings and never reads the pongs is cut (ws: 60 pongs pending)', async () => {
  const websocket = await upgraded(server.port, '/events');
  websocket.socket.pause();
  const ping = encodeFrame({opcode: OPCODES.ping, payload: Buffer.alloc(125, 1)});
  await flood(websocket, Buffer.concat(Array.from({length: 1000}, () => ping)), 400);
  assert.equal(server.exited(), undefined);
});

test('a client that floods its control channel with requests and never reads the answers is cut', async () => {
  const before = await refusals('unread_websocket_bytes');
  const {control} = await openChannel(server.port);
  control.socket.pause();
  // Each request is answered with an error; 400,000 of them would be 30 MiB of answers.
  const request = encodeFrame({
    opcode: OPCODES.binary,
    payload: Buffer.from(BSON.serialize({_type: 'message', _identifier: 1, message_type: {__Messages__: 'X'}, data: {}})),
  });
  await flood(control, Buffer.concat(Array.from({length: 1000}, () => request)), 400);
  assert.equal(await refusals('unread_websocket_bytes'), before + 1);
  assert.equal(server.exited(), undefined);
});

test('pipelined requests nobody reads do not pile up answers in the server', async () => {
  const baseline = await server.memory();
  const socket = connect({port: server.port, host: '127.0.0.1'});
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.pause();
  const request = Buffer.from('GET /peers HTTP/1.1\r\nHost: x\r\n\r\n');
  const burst = Buffer.concat(Array.from({length: 1000}, () => request));
  // 200,000 requests: their answers would take about 30 MiB if the server kept them.
  for (let round = 0; round < 200 && !socket.destroyed; round += 1) {
    if (!socket.write(burst)) {
      const drained = await Promise.race([once(socket, 'drain').then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500))]);
      if (!drained) break;
    }
  }
  const during = await server.memory();
  socket.destroy();
  assert.ok(during.heapUsed + during.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers < 16 * 1024 * 1024, `grew by ${during.heapUsed - baseline.heapUsed} heap, ${during.arrayBuffers - baseline.arrayBuffers} buffers`);
  assert.deepEqual(await rawExchange(server.port, 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n').then(({status, body}) => ({status, body})), {status: 200, body: '1.0.12'});
});

test('without extensions the 408 is aiohttp plain text', async (t) => {
  const strict = await startWatchedServer({extensions: false, limits: {headers_timeout_ms: HEADERS_TIMEOUT_MS}});
  t.after(() => strict.kill());
  const answer = await rawExchange(strict.port, 'GET /version HTTP/1.1\r\n', {timeoutMs: 5000, waitForClose: true});
  assert.deepEqual({status: answer.status, body: answer.body}, {status: 408, body: '408: Request Timeout'});
});

test('none of it was an unexpected failure for the server', async () => {
  assert.equal(server.exited(), undefined);
  assert.deepEqual(await server.errors(), []);
});
