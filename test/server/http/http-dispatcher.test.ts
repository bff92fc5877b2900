/**
 * The dispatcher on a real HTTP server with routes of the test's own: a handler that throws or
 * rejects is logged once with its stack and answered 500, never a crash; refusals keep their
 * shapes with and without extensions.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import {createServer} from 'node:http';
import {once} from 'node:events';
import WebSocket from 'ws';
import {NoAuthServer} from '../../../source/auth/no-auth.js';
import type {AuthRequest} from '../../../source/auth/contract.js';
import {HttpDispatcher} from '../../../source/server/http/http-dispatcher.js';
import {WebsocketAcceptor} from '../../../source/server/http/websocket-acceptor.js';
import {LimitRefusals} from '../../../source/server/limits/limit-refusals.js';
import {DEFAULT_LIMITS} from '../../../source/server/limits/server-limits.js';
import type {RouteTable} from '../../../source/server/http/route-table.js';
import {deferrer} from '../../helpers/cleanup.js';
import {rawRequest, tryUpgrade} from '../../helpers/raw-http.js';
import {recordingLogger} from '../../helpers/recording-logger.js';
import {startServer} from '../../helpers/netunnel.js';

async function dispatching(t: TestContext, routes: RouteTable, extensions = true) {
  const defer = deferrer(t);
  const logger = recordingLogger();
  const limits = () => DEFAULT_LIMITS;
  const refusals = new LimitRefusals();
  const websockets = new WebsocketAcceptor({limits, refusals, logger, extensions});
  const dispatcher = new HttpDispatcher({routes, auth: new NoAuthServer(), logger, extensions, limits, refusals, websockets});
  const server = createServer(dispatcher.onRequest);
  dispatcher.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  defer(() => {
    for (const websocket of websockets.clients) websocket.terminate();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const {port} = server.address() as {port: number};
  return {url: `http://127.0.0.1:${port}`, logger, server};
}

const failing: RouteTable = {
  rest: {
    version: {GET: () => JSON.parse('{') as never},
    channels: {GET: () => Promise.reject('a bare string'), POST: async () => ({json: {ok: true}})},
  },
  upgrade: {
    events: () => {
      throw new TypeError('upgrade handler bug');
    },
    channelConnect: () => (websocket) =>
      websocket.on('message', () => {
        throw new RangeError('listener bug');
      }),
  },
};

test('a handler that throws is answered 500 with its message, and logged once with its stack', async (t) => {
  const {url, logger} = await dispatching(t, failing);
  const thrown = await rawRequest(url, 'GET', '/version');
  assert.equal(thrown.status, 500);
  assert.match(String((thrown.json as {error: string}).error), /^Expected property name or '}' in JSON at position 1/);
  assert.equal(logger.lines.error.length, 1);
  assert.match(logger.lines.error[0]!, /^Unexpected failure on GET \/version: SyntaxError: .*\n {4}at JSON\.parse/);
  const rejected = await rawRequest(url, 'GET', '/channels');
  assert.deepEqual({status: rejected.status, body: rejected.json}, {status: 500, body: {error: 'a bare string'}});
  assert.equal(logger.lines.error.length, 2);
  // Served after both.
  assert.deepEqual((await rawRequest(url, 'POST', '/channels')).json, {ok: true});
});

test('an upgrade handler that throws is refused 500 and logged; a websocket listener that throws closes that websocket only', async (t) => {
  const {url, logger} = await dispatching(t, failing);
  const refused = await tryUpgrade(url, '/events');
  assert.deepEqual({status: refused.status, body: refused.json}, {status: 500, body: {error: 'upgrade handler bug'}});
  assert.match(logger.lines.error[0]!, /^Unexpected failure on websocket \/events: TypeError: upgrade handler bug\n {4}at /);
  const websocket = new WebSocket(`${url.replace('http', 'ws')}/channels/1/connect`);
  await once(websocket, 'open');
  const closed = once(websocket, 'close');
  websocket.send('first');
  websocket.send('second');
  const [code] = await closed;
  assert.equal(code, 1006, 'cut');
  assert.equal(logger.lines.error.length, 2, 'logged once, though two messages came');
  assert.match(logger.lines.error[1]!, /^Unexpected failure in a 'message' listener of websocket \/channels\/1\/connect: RangeError: listener bug\n {4}at /);
  assert.equal((await rawRequest(url, 'POST', '/channels')).status, 200);
});

test('refusals that never reach a route: JSON with extensions, aiohttp text without', async (t) => {
  const routes: RouteTable = {rest: {peers: {GET: () => ({json: []})}}, upgrade: {}};
  const withExtensions = await dispatching(t, routes);
  const strict = await dispatching(t, routes, false);
  const answer = async (url: string, method: string, path: string) => {
    const {status, text} = await rawRequest(url, method, path);
    return {status, text};
  };
  assert.deepEqual(await answer(withExtensions.url, 'GET', '/nope'), {status: 404, text: '{"error":"Not found: GET /nope"}'});
  assert.deepEqual(await answer(strict.url, 'GET', '/nope'), {status: 404, text: '404: Not Found'});
  assert.deepEqual(await answer(withExtensions.url, 'DELETE', '/peers'), {status: 405, text: '{"error":"Method DELETE is not allowed on /peers"}'});
  assert.deepEqual(await answer(strict.url, 'DELETE', '/peers'), {status: 405, text: '405: Method Not Allowed'});
  // HEAD is GET without a body, as aiohttp allows it on GET routes.
  assert.deepEqual(await answer(strict.url, 'HEAD', '/peers'), {status: 200, text: ''});
});

test('an auth plugin that throws refuses the request (403) and is logged as a warning; one that fails on /authenticate is a 500', async (t) => {
  const logger = recordingLogger();
  const auth = {
    isAuthenticated(request: AuthRequest): boolean {
      throw new Error(`plugin broken on ${request.path}`);
    },
    authenticate(): never {
      throw new Error('cannot authenticate');
    },
    getClientForPeer: () => new NoAuthServer().getClientForPeer(),
  };
  const defer = deferrer(t);
  const {server, url} = await startServer({auth, logger, extensions: false});
  defer(() => server.close());
  assert.deepEqual(await rawRequest(url, 'GET', '/version').then(({status, text}) => ({status, text})), {status: 403, text: '403: Forbidden'});
  assert.deepEqual(logger.lines.warn, ['Auth plugin failed on GET /version: plugin broken on /version']);
  const failed = await rawRequest(url, 'POST', '/authenticate', {body: {}});
  assert.deepEqual({status: failed.status, body: failed.json}, {status: 500, body: {error: 'cannot authenticate'}});
  assert.equal(logger.lines.error.length, 1);
  assert.match(logger.lines.error[0]!, /^Unexpected failure on POST \/authenticate: Error: cannot authenticate\n {4}at /);
});

test("an error of the listening socket (Node emits a failed accept so) is logged, not thrown", async (t) => {
  const {url, logger, server} = await dispatching(t, failing);
  // What net.Server does when accept() fails: no listener would make emit throw.
  server.emit('error', Object.assign(new Error('accept ENFILE'), {code: 'ENFILE'}));
  assert.equal(logger.lines.error.length, 1);
  assert.match(logger.lines.error[0]!, /^The server's listening socket failed: Error: accept ENFILE\n/);
  assert.equal((await rawRequest(url, 'POST', '/channels')).status, 200);
});
