/**
 * Request targets as attackers and proxies send them, against a server in its own process:
 * what `new URL()` cannot parse (it used to throw outside any try and end the process), dot
 * segments (they used to be resolved, so `/channels/../peers` was served as `/peers`),
 * absolute-form targets (routed by their path), queries and fragments.
 */
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import {rawExchange} from '../../helpers/raw-http.js';
import {rawUpgrade} from '../../helpers/raw-websocket.js';
import {startWatchedServer, type WatchedServer} from '../../helpers/watched-server.js';

/** Each of these made `new URL(request.url, ...)` throw: one request ended the old server. */
const UNPARSABLE = ['//', '//[', '//%zz', '//a:b', '//x@', '/\\', 'http://[/peers'];

/** One server for the tests that use the defaults (they change nothing a later one relies on). */
let shared: WatchedServer;
before(async () => {
  shared = await startWatchedServer();
});
after(() => shared.kill());

async function serverFor(t: TestContext, options: {extensions?: boolean} = {}): Promise<WatchedServer> {
  if (options.extensions !== false) return shared;
  const server = await startWatchedServer(options);
  t.after(() => server.kill());
  return server;
}

const request = (method: string, target: string) => `${method} ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`;

async function answer(server: WatchedServer, method: string, target: string) {
  const {status, body} = await rawExchange(server.port, request(method, target));
  return {status, body};
}

async function assertAlive(server: WatchedServer): Promise<void> {
  assert.equal(server.exited(), undefined, 'the server process is still running');
  assert.deepEqual(await answer(server, 'GET', '/version'), {status: 200, body: '1.0.12'});
}

describe('targets new URL() cannot parse', () => {
  test('GET, POST and websocket upgrade of each are 404, and the server lives on', async (t) => {
    const server = await serverFor(t);
    for (const target of UNPARSABLE) {
      for (const method of ['GET', 'POST']) {
        assert.deepEqual(await answer(server, method, target), {status: 404, body: JSON.stringify({error: `Not found: ${method} ${target}`})}, `${method} ${target}`);
      }
      const upgrade = await rawUpgrade(server.port, target);
      assert.deepEqual({status: upgrade.status, body: upgrade.body}, {status: 404, body: JSON.stringify({error: `Not found: websocket ${target}`})});
    }
    await assertAlive(server);
    assert.deepEqual(await server.errors(), [], 'nothing unexpected was logged');
  });

  test('without extensions they answer aiohttp plain text, 404: Not Found', async (t) => {
    const server = await serverFor(t, {extensions: false});
    for (const target of UNPARSABLE) {
      assert.deepEqual(await answer(server, 'GET', target), {status: 404, body: '404: Not Found'});
      const upgrade = await rawUpgrade(server.port, target);
      assert.deepEqual({status: upgrade.status, body: upgrade.body}, {status: 404, body: '404: Not Found'});
    }
    await assertAlive(server);
  });
});

describe('the path is routed as sent', () => {
  test('dot segments, encoded dots, slashes and case are not normalised: 404 where /peers is 200', async (t) => {
    const server = await serverFor(t);
    assert.deepEqual(await answer(server, 'GET', '/peers'), {status: 200, body: '[]'});
    for (const target of ['/channels/../peers', '/channels/%2e%2e/peers', '/channels/%2E%2E/peers', '/./peers', '/peers/.', '/peers/', '//peers', '/PEERS', '/%70eers', '/peers/..']) {
      assert.deepEqual(await answer(server, 'GET', target), {status: 404, body: JSON.stringify({error: `Not found: GET ${target}`})}, target);
    }
    // Upgrades too: a websocket route is not reachable through a detour either.
    const detour = await rawUpgrade(server.port, '/peers/../events');
    assert.deepEqual({status: detour.status, body: detour.body}, {status: 404, body: JSON.stringify({error: 'Not found: websocket /peers/../events'})});
    await assertAlive(server);
  });

  test('queries and fragments are split off, malformed escapes included', async (t) => {
    const server = await serverFor(t);
    assert.deepEqual(await answer(server, 'GET', '/version?x=1'), {status: 200, body: '1.0.12'});
    assert.deepEqual(await answer(server, 'GET', '/version?%zz&=&&'), {status: 200, body: '1.0.12'});
    assert.deepEqual(await answer(server, 'GET', '/peers?name=%zz'), {status: 200, body: '[]'});
    assert.deepEqual(await answer(server, 'GET', '/peers?name=a&name=b'), {status: 200, body: '[]'});
    assert.deepEqual(await answer(server, 'GET', '/version#fragment'), {status: 200, body: '1.0.12'});
    assert.deepEqual(await answer(server, 'GET', '/peers?/../version'), {status: 200, body: '[]'});
  });

  test('absolute-form targets (as proxies send them) route by their path; a malformed authority is 404', async (t) => {
    const server = await serverFor(t);
    assert.deepEqual(await answer(server, 'GET', 'http://example.com/version'), {status: 200, body: '1.0.12'});
    assert.deepEqual(await answer(server, 'GET', 'HTTPS://EXAMPLE.COM:4040/peers?name=x'), {status: 200, body: '[]'});
    assert.deepEqual(await answer(server, 'GET', 'http://[::1]:4040/version'), {status: 200, body: '1.0.12'});
    assert.deepEqual(await answer(server, 'GET', 'http://example.com'), {status: 404, body: JSON.stringify({error: 'Not found: GET /'})});
    // Another scheme, userinfo, no host, or no path at all: nothing to route.
    for (const target of ['ws://example.com/version', 'http://user@example.com/version', 'http:///version', '*']) {
      assert.deepEqual(await answer(server, 'GET', target), {status: 404, body: JSON.stringify({error: `Not found: GET ${target}`})}, target);
    }
    // A websocket in absolute-form: a channel's control websocket opens.
    const body = '{"version": "1.0.12"}';
    const created = await rawExchange(server.port, `POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    const {channel_id: channelId} = JSON.parse(created.body) as {channel_id: number};
    const upgrade = await rawUpgrade(server.port, `http://example.com/channels/${channelId}/connect`);
    assert.equal(upgrade.status, 101);
    upgrade.websocket?.destroy();
    await assertAlive(server);
  });
});
