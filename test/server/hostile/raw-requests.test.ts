/**
 * Malformed and hostile requests, written byte by byte to a server in its own process: each
 * one gets its exact answer (400/404/405/413/417/431), and the server lives on without
 * logging anything unexpected.
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {rawExchange} from '../../helpers/raw-http.js';
import {startWatchedServer, type WatchedServer} from '../../helpers/watched-server.js';
import {HOSTILE_REQUESTS} from './attacks/hostile-requests.js';

let server: WatchedServer;
before(async () => {
  server = await startWatchedServer();
});
after(() => server.kill());

test('every hostile request gets its exact answer, and the server lives on', async () => {
  for (const request of HOSTILE_REQUESTS) {
    const answer = await rawExchange(server.port, request.bytes);
    assert.equal(answer.status, request.status, request.name);
    if (request.body !== undefined) assert.equal(answer.body, request.body, request.name);
  }
  assert.equal(server.exited(), undefined);
  assert.equal((await rawExchange(server.port, 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n')).body, '1.0.12');
  assert.deepEqual(await server.errors(), []);
});

test('a refused body is not drained: the connection closes after the 413', async () => {
  const answer = await rawExchange(server.port, 'POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{', {waitForClose: true});
  assert.deepEqual(
    {status: answer.status, connection: answer.headers.connection, body: answer.body, closed: answer.closed},
    {status: 413, connection: 'close', body: JSON.stringify({error: 'Request body larger than 1048576 bytes'}), closed: true},
  );
});

test('without extensions, HTTP-level refusals are aiohttp plain text', async (t) => {
  const server = await startWatchedServer({extensions: false});
  t.after(() => server.kill());
  const byName = (name: string) => HOSTILE_REQUESTS.find((request) => request.name === name)!.bytes;
  const plain = async (name: string) => {
    const {status, body} = await rawExchange(server.port, byName(name));
    return {status, body};
  };
  assert.deepEqual(await plain('unknown method'), {status: 400, body: '400: Bad Request'});
  assert.deepEqual(await plain('overlong target'), {status: 431, body: '431: Request Header Fields Too Large'});
  assert.deepEqual(await plain('CONNECT'), {status: 405, body: '405: Method Not Allowed'});
  assert.deepEqual(await plain('PUT on a route'), {status: 405, body: '405: Method Not Allowed'});
  assert.deepEqual(await plain('OPTIONS *'), {status: 404, body: '404: Not Found'});
  // Route-level refusals keep 1.0.12's JSON shape.
  assert.deepEqual(await plain('huge Content-Length'), {status: 413, body: JSON.stringify({error: 'Request body larger than 1048576 bytes'})});
});
