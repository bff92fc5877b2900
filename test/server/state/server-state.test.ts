import {test} from 'node:test';
import assert from 'node:assert/strict';
import {useStateFixture} from '../../helpers/state-fixture.js';
import {readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {once} from 'node:events';
import {ServerRefusedError} from '../../../source/client/client-errors.js';
import type {Logger} from '../../../source/engine/logger.js';
import {fernetDecrypt, generateFernetKey} from '../../../source/protocol/fernet.js';
import {checkConfig} from '../../../source/server/state/config-schema.js';
import {ConfigError} from '../../../source/server/server-errors.js';
import {NetunnelServer} from '../../../source/server/netunnel-server.js';
import {connectClient, waitForStatus} from '../../helpers/netunnel.js';
import {startProxy} from '../../helpers/proxy.js';
import {exchange, freePort, isPortClosed, randomPayload, startEchoServer} from '../../helpers/tcp.js';
import {readVectorJson, readVectorText} from '../../helpers/vectors.js';
import {within} from '../../helpers/streams.js';

const PORTS = {min: 20300, max: 20400};

interface VectorConfig {
  http_proxy: {proxy_url: string; username: string; password: string};
  peers: Array<{target_netunnel_url: string; static_tunnels: Array<{tunnel_local_port: number; tunnel_remote_port: number}>}>;
  secret_key: string;
}

const fixture = useStateFixture('netunnel-state-', PORTS);
const {cleanups, server} = fixture;

function recordingLogger(): Logger & {lines: string[]} {
  const lines: string[] = [];
  return {
    lines,
    debug() {},
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

test('the 1.0.12 config file loads: its peer, its static tunnel, and its proxy credentials, decrypted', async () => {
  await writeFile(fixture.configPath, readVectorText('config-1.0.12.json'));
  const a = await server({configPath: fixture.configPath});
  const [peer] = await a.api.peers.list();
  assert.deepEqual(
    {...peer, static_tunnels: peer!.static_tunnels.map(({since: _since, last_error: _error, connections: _connections, bytes: _bytes, ...tunnel}) => tunnel)},
    {
      id: 1,
      name: 'self',
      target_netunnel_url: 'http://127.0.0.1:15250',
      auth_data: {},
      static_tunnels: [
        {id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: 15299, status: 'connecting'},
      ],
      status: 'connecting',
    },
  );
  assert.deepEqual(await a.api.proxy.get(), {proxy_url: 'http://127.0.0.1:3128', username: '******', password: '******'});
  assert.equal(a.server.secretKeyGenerated, false);
  assert.equal(a.server.config.get().secret_key, '7Kjg7JGR_ikIaVlP_I5YHomx2C4AHilZto2r-eXLOe0=');

  // What we write back parses with the same schema and keeps 1.0.12's objects as they were.
  const written: unknown = JSON.parse(await readFile(fixture.configPath, 'utf8'));
  const check = checkConfig(written);
  assert.ok(check.ok);
  const vector = readVectorJson<Record<string, unknown>>('config-1.0.12.json');
  for (const key of Object.keys(vector)) assert.deepEqual((written as Record<string, unknown>)[key], vector[key], key);
});

test('the 1.0.12 config, pointed at real services, runs its static tunnel through its proxy with the decrypted credentials', async () => {
  const echo = await startEchoServer();
  cleanups.push(() => echo.close());
  const b = await server();
  const proxy = await startProxy({username: 'proxy-user', password: 'proxy-pass'});
  cleanups.push(() => proxy.close());
  const config = readVectorJson<VectorConfig>('config-1.0.12.json');
  config.http_proxy.proxy_url = proxy.url;
  config.peers[0]!.target_netunnel_url = b.url;
  config.peers[0]!.static_tunnels[0]!.tunnel_remote_port = echo.port;
  config.peers[0]!.static_tunnels[0]!.tunnel_local_port = PORTS.min + 50;
  await writeFile(fixture.configPath, JSON.stringify(config, null, 4));

  const a = await server({configPath: fixture.configPath});
  const tunnel = a.server.peers.staticTunnel(1, 1);
  await waitForStatus(tunnel, 'online');
  const payload = randomPayload(100_000);
  assert.ok((await exchange(PORTS.min + 50, payload)).equals(payload));
  assert.ok(proxy.seen.includes(`CONNECT 127.0.0.1:${b.port}`));
});

test('a corrupt config file is refused with one clear line, left untouched, and nothing listens', async () => {
  const text = '{"peers": [{"id": 1, "name": "a", "target_netunnel_url": "http://x", "auth_data": {}, "static_tunnels": [{"id": "one"}]}]}';
  await writeFile(fixture.configPath, text);
  const port = await freePort();
  const broken = new NetunnelServer({port, configPath: fixture.configPath});
  await assert.rejects(broken.start(), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.message, `Config file ${fixture.configPath}: peers.0.static_tunnels.0.id: expected an integer (and 4 more problems)`);
    return true;
  });
  assert.equal(await readFile(fixture.configPath, 'utf8'), text);
  assert.deepEqual(await readdir(fixture.dir), ['netunnel.conf']);
  assert.ok(await isPortClosed(port));

  await writeFile(fixture.configPath, '{"peers": [');
  await assert.rejects(new NetunnelServer({port, configPath: fixture.configPath}).start(), /^ConfigError: Config file .* is not valid JSON: /);
  assert.equal(await readFile(fixture.configPath, 'utf8'), '{"peers": [');
});

test('stateless by default, with a generated secret key; a config file keeps it; --secret-key is never saved', async () => {
  const logger = recordingLogger();
  const stateless = await server({logger});
  assert.equal(stateless.server.stateless, true);
  assert.equal(stateless.server.secretKeyGenerated, true);
  assert.deepEqual(logger.lines, ['info Generating default secret-key', `info Starting server on 127.0.0.1:${stateless.port}`]);

  const first = await server({configPath: fixture.configPath});
  assert.equal(first.server.stateless, false);
  assert.equal(first.server.secretKeyGenerated, true);
  const key = (JSON.parse(await readFile(fixture.configPath, 'utf8')) as {secret_key: string}).secret_key;
  assert.equal(first.server.config.get().secret_key, key);
  await first.server.close();
  const second = await server({configPath: fixture.configPath});
  assert.equal(second.server.secretKeyGenerated, false);
  await second.server.close();

  // --secret-key (and NETUNNEL_SECRET_KEY) win, and encrypt what is stored, without being saved.
  const given = generateFernetKey();
  const other = join(fixture.dir, 'other.conf');
  const withKey = await server({configPath: other, secretKey: given});
  assert.equal(withKey.server.secretKeyGenerated, false);
  await withKey.api.proxy.set({proxy_url: 'http://127.0.0.1:3128', username: 'u', password: 'p', check_proxy: false});
  const saved = JSON.parse(await readFile(other, 'utf8')) as {secret_key?: string; http_proxy: {username: string}};
  assert.equal(saved.secret_key, undefined);
  assert.equal(fernetDecrypt(given, saved.http_proxy.username), 'u');
  await assert.rejects(new NetunnelServer({port: 0, secretKey: 'short'}).start(), /Invalid secret key from --secret-key/);
});

test('allowed_tunnel_destinations and allowed_tunnel_entrances come from the config (or NETUNNEL_<KEY>)', async () => {
  const echo = await startEchoServer();
  cleanups.push(() => echo.close());
  await writeFile(fixture.configPath, JSON.stringify({allowed_tunnel_destinations: {'127.0.0.1': '1,2'}}));
  const a = await server({configPath: fixture.configPath, env: {NETUNNEL_ALLOWED_TUNNEL_ENTRANCES: '["127.0.0.2"]'}});
  assert.deepEqual(a.server.config.get().allowed_tunnel_entrances, ['127.0.0.2']);
  const client = await connectClient(a.url);
  cleanups.push(() => client.close());
  await assert.rejects(client.openTunnelToServer({exitPort: echo.port}), (error: unknown) => {
    assert.ok(error instanceof ServerRefusedError);
    assert.equal(error.message, `Port 127.0.0.1:${echo.port} is not allowed as a tunnel destination`);
    return true;
  });
  await assert.rejects(client.openTunnelToClient({exitPort: echo.port}), /Address 127\.0\.0\.1 is not allowed as a tunnel entrance \(allowed: 127\.0\.0\.2\)/);
});

test('factory reset: static tunnels stop, peers and proxy go, a new secret key; clients stay unless disconnect_clients', async () => {
  const echo = await startEchoServer();
  cleanups.push(() => echo.close());
  const b = await server();
  const logger = recordingLogger();
  const a = await server({configPath: fixture.configPath, logger});
  const keyBefore = a.server.config.get().secret_key;
  const peer = await a.api.peers.add({name: 'b', target_netunnel_url: b.url});
  const created = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: echo.port});
  const tunnel = a.server.peers.staticTunnel(peer.id, created.id);
  await a.api.proxy.set({proxy_url: 'http://127.0.0.1:3128', username: 'u', password: 'p', check_proxy: false});
  await a.api.proxy.clear();
  await a.api.proxy.set({proxy_url: 'http://127.0.0.1:3128', check_proxy: false});
  const client = await connectClient(a.url);
  cleanups.push(() => client.close());

  logger.lines.length = 0;
  await a.api.server.factoryReset();
  assert.equal(tunnel.state.status, 'offline');
  assert.ok(await isPortClosed(created.tunnel_local_port));
  assert.deepEqual(await a.api.peers.list(), []);
  assert.deepEqual(await a.api.proxy.get(), {});
  assert.ok(logger.lines.includes('info Generating default secret-key'));
  const saved = JSON.parse(await readFile(fixture.configPath, 'utf8')) as Record<string, unknown>;
  assert.equal(typeof saved.secret_key, 'string');
  assert.notEqual(saved.secret_key, keyBefore);
  const {secret_key: _key, ...rest} = saved;
  assert.deepEqual(rest, {
    allowed_tunnel_destinations: {'127.0.0.1': '*'},
    allowed_tunnel_entrances: ['127.0.0.1'],
    http_proxy: null,
    http_proxy_test_url: 'https://google.com',
    peers: [],
    allow_unverified_ssl_peers: false,
    revision: 1,
  });
  assert.equal(client.connected, true, 'clients stay by default');

  // Peers can be registered again, from id 1.
  assert.equal((await a.api.peers.add({name: 'b', target_netunnel_url: b.url})).id, 1);

  const disconnected = once(client, 'disconnected');
  await a.api.server.factoryReset({disconnect_clients: true});
  await within(disconnected, 10_000, 'the disconnection');
  assert.equal(client.connected, false);
  assert.deepEqual(await a.api.peers.list(), []);
});
