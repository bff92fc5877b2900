import {test} from 'node:test';
import assert from 'node:assert/strict';
import {useStateFixture} from '../../helpers/state-fixture.js';
import {readFile} from 'node:fs/promises';
import {ServerRefusedError} from '../../../source/client/client-errors.js';
import {fernetDecrypt} from '../../../source/protocol/fernet.js';
import {waitForStatus} from '../../helpers/netunnel.js';
import {call} from '../../helpers/http.js';
import {startProxy, startTlsFront, startWebServer, type TestProxy} from '../../helpers/proxy.js';
import {exchange, freePort, randomPayload, startEchoServer} from '../../helpers/tcp.js';
import {within} from '../../helpers/streams.js';

const PORTS = {min: 20200, max: 20300};
const USER = {username: 'proxy-user', password: 'pa:ss wörd'};

const fixture = useStateFixture('netunnel-proxy-', PORTS);
const {cleanups, server} = fixture;

async function proxy(credentials?: typeof USER): Promise<TestProxy> {
  const started = await startProxy(credentials);
  cleanups.push(() => started.close());
  return started;
}

async function web(): Promise<string> {
  const started = await startWebServer();
  cleanups.push(() => started.close());
  return started.url;
}

function refusal(status: number, message: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ServerRefusedError, `expected a refusal, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    assert.equal(error.status, status);
    return true;
  };
}

async function assertCarries(port: number): Promise<void> {
  const payload = randomPayload(64 * 1024);
  assert.ok((await exchange(port, payload)).equals(payload));
}

test('set, verify and clear the global proxy; credentials are stored encrypted and shown masked', async () => {
  const a = await server({configPath: fixture.configPath});
  const site = await web();
  const good = await proxy(USER);
  assert.deepEqual(await call(a.url, 'GET', '/config/http-proxy'), {status: 200, body: {}});

  const answer = await a.api.proxy.set({proxy_url: good.url, ...USER, test_url: `${site}/ok`});
  assert.deepEqual(answer, {proxy_url: good.url, username: '******', password: '******'});
  assert.deepEqual(await a.api.proxy.get(), answer);
  assert.deepEqual(good.seen, [`GET ${site}/ok`], 'the check went through the proxy');

  const saved = JSON.parse(await readFile(fixture.configPath, 'utf8')) as {secret_key: string; http_proxy: {proxy_url: string; username: string; password: string}};
  assert.deepEqual(Object.keys(saved.http_proxy), ['proxy_url', 'username', 'password']);
  assert.equal(saved.http_proxy.proxy_url, good.url);
  assert.equal(fernetDecrypt(saved.secret_key, saved.http_proxy.username), USER.username);
  assert.equal(fernetDecrypt(saved.secret_key, saved.http_proxy.password), USER.password);

  // Redirects are followed, as 1.0.12's check does.
  assert.deepEqual(await a.api.proxy.set({proxy_url: good.url, ...USER, test_url: `${site}/moved`}), answer);

  // Without credentials: stored as nulls, shown as they are.
  const open = await proxy();
  assert.deepEqual(await a.api.proxy.set({proxy_url: open.url, test_url: `${site}/ok`}), {proxy_url: open.url, username: null, password: null});
  // What 1.0.12's client sends: every key, nulls included (test_url null: the config's http_proxy_test_url).
  assert.deepEqual(
    await call(a.url, 'POST', '/config/http-proxy', {proxy_url: open.url, username: null, password: null, test_url: null, check_proxy: false}),
    {status: 200, body: {proxy_url: open.url, username: null, password: null}},
  );

  assert.deepEqual(await call(a.url, 'POST', '/config/http-proxy', {proxy_url: null}), {status: 200, body: {}});
  assert.deepEqual(await a.api.proxy.clear(), {});
  assert.equal((JSON.parse(await readFile(fixture.configPath, 'utf8')) as {http_proxy: unknown}).http_proxy, null);
});

test('a proxy that fails its check is refused and changes nothing', async () => {
  const a = await server({configPath: fixture.configPath});
  const site = await web();
  const good = await proxy(USER);
  await a.api.proxy.set({proxy_url: good.url, ...USER, test_url: `${site}/ok`});
  const before = await readFile(fixture.configPath, 'utf8');

  await assert.rejects(
    a.api.proxy.set({proxy_url: good.url, username: USER.username, password: 'wrong', test_url: `${site}/ok`}),
    refusal(502, 'Invalid response from proxy: 407'),
  );
  await assert.rejects(a.api.proxy.set({proxy_url: good.url, ...USER, test_url: `${site}/broken`}), refusal(502, 'Invalid response from proxy: 500'));
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  await assert.rejects(
    a.api.proxy.set({proxy_url: nowhere, test_url: `${site}/ok`}),
    refusal(502, `Failed to reach ${site}/ok through the proxy ${nowhere}: connect ECONNREFUSED ${nowhere.slice('http://'.length)}`),
  );
  // An https test URL goes through CONNECT: refused credentials are still a 407.
  await assert.rejects(
    a.api.proxy.set({proxy_url: good.url, username: 'x', password: 'y', test_url: 'https://127.0.0.1:9/'}),
    refusal(502, 'Invalid response from proxy: 407'),
  );
  assert.equal(await readFile(fixture.configPath, 'utf8'), before);

  // check_proxy: false stores it unchecked.
  assert.deepEqual(await a.api.proxy.set({proxy_url: nowhere, check_proxy: false}), {proxy_url: nowhere, username: null, password: null});
});

test('static tunnels pass through the proxy, survive a broken one, and go direct once it is cleared', async () => {
  const echo = await startEchoServer();
  cleanups.push(() => echo.close());
  const b = await server();
  const a = await server({configPath: fixture.configPath});
  const site = await web();
  const good = await proxy(USER);

  const peer = await a.api.peers.add({name: 'b', target_netunnel_url: b.url});
  const created = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: echo.port});
  const tunnel = a.server.peers.staticTunnel(peer.id, created.id);
  assert.equal(good.seen.length, 0);

  // Through the proxy: the tunnel reconnects by CONNECT, with our credentials.
  await a.api.proxy.set({proxy_url: good.url, ...USER, test_url: `${site}/ok`});
  assert.equal(tunnel.state.status, 'connecting', 'applying a proxy restarts the static tunnels');
  await waitForStatus(tunnel, 'online');
  await assertCarries(created.tunnel_local_port);
  assert.ok(good.seen.includes(`CONNECT 127.0.0.1:${b.port}`), `the proxy carried the tunnel (${good.seen.join(', ')})`);
  assert.equal(good.seen.filter((line) => line.startsWith('GET')).length, 1, 'only the check was a plain GET');

  // New peers are checked through it too.
  const connects = good.seen.length;
  await a.api.peers.add({name: 'b2', target_netunnel_url: b.url});
  assert.ok(good.seen.length > connects);

  // A broken proxy, unchecked: the tunnel cannot connect, says why, and the server goes on.
  const broken = `http://127.0.0.1:${await freePort()}`;
  await a.api.proxy.set({proxy_url: broken, check_proxy: false});
  await within(new Promise<void>((resolve) => {
    const onStatus = () => {
      if (tunnel.state.lastError === null || !tunnel.state.lastError.includes('ECONNREFUSED')) return;
      tunnel.off('status', onStatus);
      resolve();
    };
    tunnel.on('status', onStatus);
    onStatus();
  }), 20_000, 'the failure through the broken proxy');
  assert.equal(tunnel.state.status, 'connecting');
  assert.equal(await a.api.server.version(), '1.0.12');

  // Cleared: direct again.
  await a.api.proxy.clear();
  await waitForStatus(tunnel, 'online');
  const seenBefore = good.seen.length;
  await assertCarries(created.tunnel_local_port);
  assert.equal(good.seen.length, seenBefore, 'the proxy is no longer used');
});

test('https peers: refused when their certificate cannot be verified, unless allow_unverified_ssl_peers', async () => {
  const echo = await startEchoServer();
  cleanups.push(() => echo.close());
  const b = await server();
  const front = await startTlsFront(b.port);
  cleanups.push(() => front.close());

  const strict = await server();
  await assert.rejects(strict.api.peers.add({name: 'tls', target_netunnel_url: front.url}), refusal(502, 'Failed to connect with peer `tls`'));

  const lax = await server({env: {NETUNNEL_ALLOW_UNVERIFIED_SSL_PEERS: 'true'}});
  const peer = await lax.api.peers.add({name: 'tls', target_netunnel_url: front.url});
  const created = await lax.api.staticTunnels.add(peer.id, {tunnel_remote_port: echo.port});
  assert.equal(created.status, 'online');
  await assertCarries(created.tunnel_local_port);
});
