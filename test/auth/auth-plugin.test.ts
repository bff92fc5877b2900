/**
 * Auth plugins (PROTOCOL.md 6): loaded from `<module>#<Export>`, checked on every route and
 * every websocket upgrade but /authenticate, refusals before any upgrade; loader errors.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import type {TestContext} from 'node:test';
import {AuthPluginError, loadClientAuth, loadServerAuth, parseAuthData} from '../../source/auth/load-plugin.js';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {ServerRefusedError} from '../../source/client/client-errors.js';
import type {SecretHeaderClient, SecretHeaderServer} from '../fixtures/secret-header-auth.js';
import {rawRequest, tryUpgrade} from '../helpers/raw-http.js';
import {connectClient, startServer} from '../helpers/netunnel.js';
import {exchange, randomPayload, startEchoServer} from '../helpers/tcp.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PLUGIN_PATH = fileURLToPath(new URL('../fixtures/secret-header-auth.ts', import.meta.url));
const RELATIVE_PLUGIN = './test/fixtures/secret-header-auth.ts';
const SECRET = {secret: 's3cret'};
const HEADERS = {'X-Secret': 's3cret'};
const FORBIDDEN = {error: 'Forbidden: the auth plugin refused this request'};

async function securedServer(t: TestContext) {
  const auth = (await loadServerAuth(`${PLUGIN_PATH}#SecretHeaderServer`, SECRET)) as SecretHeaderServer;
  const {server, url} = await startServer({auth});
  t.after(() => server.close());
  return {server, url, auth};
}

function authError(message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof AuthPluginError, `expected an AuthPluginError, got ${String(error)}`);
    assert.equal(error.code, 'NETUNNEL_ERR_AUTH_PLUGIN');
    assert.equal(error.message, message);
    return true;
  };
}

describe('a secured server', () => {
  test('a client with the plugin authenticates once and tunnels both ways; every request was checked', async (t) => {
    const {url, auth} = await securedServer(t);
    const clientAuth = (await loadClientAuth(`${RELATIVE_PLUGIN}#SecretHeaderClient`, SECRET, REPO)) as SecretHeaderClient;
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const client = await connectClient(url, {auth: clientAuth});
    t.after(() => client.close());
    const forward = await client.openTunnelToServer({exitPort: echo.port});
    const reverse = await client.openTunnelToClient({exitPort: echo.port});
    for (const port of [forward.entrance.port, reverse.entrance.port]) {
      const payload = randomPayload(300_000);
      assert.ok((await exchange(port, payload)).equals(payload));
    }
    assert.equal(await client.api.server.version(), '1.0.12');
    assert.equal(clientAuth.authentications, 1);
    assert.equal(clientAuth.token, 'token-6');

    const checked = new Set(auth.checked.map(({method, path, allowed}) => `${allowed ? 'allowed' : 'refused'} ${method} ${path}`));
    for (const request of [
      'POST /channels',
      'GET /channels/1/connect',
      'POST /channels/1/tunnels',
      'GET /channels/1/tunnels/1/connect',
      'GET /channels/1/tunnels/2/connect',
      'GET /version',
    ]) {
      assert.ok(checked.has(`allowed ${request}`), `${request} was checked`);
    }
    assert.ok(auth.checked.every(({allowed}) => allowed));
    assert.ok(!auth.checked.some(({path}) => path === '/authenticate'), '/authenticate is not behind auth');
  });

  test('a client without the plugin is refused with 403', async (t) => {
    const {url, server} = await securedServer(t);
    const client = new NetunnelClient({serverUrl: url});
    t.after(() => client.close());
    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(error instanceof ServerRefusedError);
      assert.equal(error.status, 403);
      assert.equal(error.message, FORBIDDEN.error);
      return true;
    });
    assert.deepEqual(server.channels.all(), [], 'nothing was created');
  });

  test('a client with a wrong secret fails at /authenticate', async (t) => {
    const {url} = await securedServer(t);
    const clientAuth = await loadClientAuth(`${PLUGIN_PATH}#SecretHeaderClient`, {secret: 'wrong'});
    const client = new NetunnelClient({serverUrl: url, auth: clientAuth});
    t.after(() => client.close());
    await assert.rejects(client.connect(), {name: 'ServerRefusedError', status: 403, message: 'Wrong secret'});
  });

  test('REST routes answer 403 without the header, and work with it', async (t) => {
    const {url} = await securedServer(t);
    for (const [method, path] of [
      ['GET', '/version'],
      ['POST', '/channels'],
      ['POST', '/channels/1/tunnels'],
      ['DELETE', '/channels/1/tunnels/1'],
      ['GET', '/channels/77/connect'],
    ] as const) {
      const answer = await rawRequest(url, method, path, {body: {version: '1.0.12'}});
      assert.deepEqual({status: answer.status, body: answer.json}, {status: 403, body: FORBIDDEN}, `${method} ${path}`);
    }
    const wrong = await rawRequest(url, 'GET', '/version', {headers: {'X-Secret': 'nope'}});
    assert.equal(wrong.status, 403);
    const right = await rawRequest(url, 'GET', '/version', {headers: HEADERS});
    assert.deepEqual([right.status, right.text], [200, '1.0.12']);
  });

  test('websocket routes answer 403 before the upgrade without the header, 101 with it', async (t) => {
    const {url} = await securedServer(t);
    const created = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}, headers: HEADERS});
    assert.equal((created.json as {channel_id: number}).channel_id, 1);
    for (const path of ['/channels/1/connect', '/channels/1/tunnels/1/connect', '/channels/77/connect']) {
      const answer = await tryUpgrade(url, path);
      assert.deepEqual({status: answer.status, body: answer.json}, {status: 403, body: FORBIDDEN}, path);
    }
    assert.equal((await tryUpgrade(url, '/channels/1/connect', HEADERS)).status, 101);
  });

  test('/authenticate is reachable without auth: a token for the right secret, 403 otherwise', async (t) => {
    const {url} = await securedServer(t);
    const good = await rawRequest(url, 'POST', '/authenticate', {body: SECRET});
    assert.deepEqual({status: good.status, body: good.json}, {status: 200, body: {token: 'token-6'}});
    const bad = await rawRequest(url, 'POST', '/authenticate', {body: {secret: 'guess'}});
    assert.deepEqual({status: bad.status, body: bad.json}, {status: 403, body: {error: 'Wrong secret'}});
    const none = await rawRequest(url, 'POST', '/authenticate');
    assert.equal(none.status, 403);
    const get = await rawRequest(url, 'GET', '/authenticate');
    assert.deepEqual({status: get.status, body: get.json}, {status: 405, body: {error: 'Method GET is not allowed on /authenticate'}});
  });
});

describe('loading a plugin', () => {
  test('the default export is used without #Export; the server half builds clients for peers', async () => {
    const server = await loadServerAuth(PLUGIN_PATH, SECRET);
    const peerClient = await server.getClientForPeer({secret: 'peer'});
    assert.deepEqual(peerClient.dumpObject(), {secret: 'peer'});
    assert.deepEqual(await peerClient.getAuthorizedHeaders(), {'X-Secret': 'peer'});
  });

  test('a missing module', async () => {
    await assert.rejects(
      loadServerAuth('./test/fixtures/no-such-plugin.ts#Plugin', {}, REPO),
      authError(`Cannot load auth plugin module "./test/fixtures/no-such-plugin.ts": Cannot find module '${REPO}test/fixtures/no-such-plugin.ts'`),
    );
    await assert.rejects(
      loadClientAuth('no-such-netunnel-plugin#Plugin', {}, REPO),
      authError(`Cannot load auth plugin module "no-such-netunnel-plugin": Cannot find package 'no-such-netunnel-plugin'`),
    );
  });

  test('a missing export, or one that is not a class', async () => {
    await assert.rejects(
      loadServerAuth(`${PLUGIN_PATH}#NoSuchExport`, SECRET),
      authError(`Auth plugin module "${PLUGIN_PATH}" has no exported class "NoSuchExport"`),
    );
    await assert.rejects(
      loadClientAuth(`${RELATIVE_PLUGIN}#notAClass`, SECRET, REPO),
      authError(`Auth plugin module "${RELATIVE_PLUGIN}" has no exported class "notAClass"`),
    );
  });

  test('a class that does not fulfil the contract', async () => {
    await assert.rejects(
      loadServerAuth(`${PLUGIN_PATH}#IncompleteServer`, SECRET),
      authError(`Auth plugin "${PLUGIN_PATH}#IncompleteServer" has no authenticate() method`),
    );
    await assert.rejects(
      loadClientAuth(`${PLUGIN_PATH}#SecretHeaderServer`, SECRET),
      authError(`Auth plugin "${PLUGIN_PATH}#SecretHeaderServer" has no getAuthorizedHeaders() method`),
    );
  });

  test('auth data the plugin refuses', async () => {
    await assert.rejects(
      loadServerAuth(`${PLUGIN_PATH}#SecretHeaderServer`, {}),
      authError(`Auth plugin "${PLUGIN_PATH}#SecretHeaderServer" refused its --auth-data: auth data needs a non-empty "secret"`),
    );
  });

  test('a malformed plugin name', async () => {
    await assert.rejects(loadServerAuth('#Plugin', {}), authError('--auth-plugin "#Plugin" is not of the form <module>#<ExportName>'));
    await assert.rejects(loadServerAuth(`${PLUGIN_PATH}#`, {}), authError(`--auth-plugin "${PLUGIN_PATH}#" is not of the form <module>#<ExportName>`));
  });

  test('--auth-data must be a JSON object', () => {
    let parserMessage = '';
    try {
      JSON.parse('{secret: 1}');
    } catch (error) {
      parserMessage = (error as Error).message;
    }
    assert.throws(() => parseAuthData('{secret: 1}'), authError(`--auth-data is not valid JSON: ${parserMessage}`));
    for (const text of ['[]', 'null', '"secret"', '7']) {
      assert.throws(() => parseAuthData(text), authError('--auth-data must be a JSON object'), text);
    }
    assert.deepEqual(parseAuthData('{"secret": "s"}'), {secret: 's'});
  });
});
