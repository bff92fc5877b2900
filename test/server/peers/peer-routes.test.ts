import {afterEach, beforeEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ManagementClient} from '../../../source/client/management-client.js';
import type {NetunnelServer, NetunnelServerOptions} from '../../../source/server/netunnel-server.js';
import {FAST_STATIC_TUNNELS, startServer} from '../../helpers/netunnel.js';
import {call} from '../../helpers/http.js';
import {freePort} from '../../helpers/tcp.js';
import {createServer} from 'node:http';
import {once} from 'node:events';
import type {AddressInfo} from 'node:net';

const PORTS = {min: 20100, max: 20200};

let dir: string;
let configPath: string;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netunnel-peers-'));
  configPath = join(dir, 'netunnel.conf');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(dir, {recursive: true, force: true});
});

async function server(options: NetunnelServerOptions = {}): Promise<{server: NetunnelServer; url: string; api: ManagementClient}> {
  const started = await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: PORTS, ...options});
  const api = new ManagementClient({serverUrl: started.url});
  cleanups.push(() => started.server.close(), () => api.close());
  return {...started, api};
}

test('peers: register, unique names, ids max + 1, ?name= filter, rename, delete, all saved', async () => {
  const a = await server({configPath});
  const b = await server();
  assert.deepEqual(await call(a.url, 'GET', '/peers'), {status: 200, body: []});

  const first = await call(a.url, 'POST', '/peers', {name: 'b', target_netunnel_url: b.url, auth_data: {}});
  assert.deepEqual(first, {status: 200, body: {id: 1, name: 'b', target_netunnel_url: b.url, auth_data: {}, static_tunnels: [], status: 'idle'}});
  assert.deepEqual(await call(a.url, 'POST', '/peers', {name: 'b', target_netunnel_url: b.url, auth_data: {}}), {
    status: 400,
    body: {error: 'Peer `b` already exists'},
  });
  // auth_data may be left out (1.0.12 requires it): no auth.
  assert.equal((await a.api.peers.add({name: 'c', target_netunnel_url: `${b.url}/`})).id, 2);
  assert.equal((await a.api.peers.add({name: 'd', target_netunnel_url: b.url})).id, 3);
  await a.api.peers.remove(2);
  assert.equal((await a.api.peers.add({name: 'e', target_netunnel_url: b.url})).id, 4);
  await a.api.peers.remove(4);
  assert.equal((await a.api.peers.add({name: 'f', target_netunnel_url: b.url})).id, 4, 'max + 1, as 1.0.12');

  assert.deepEqual((await a.api.peers.list()).map((peer) => [peer.id, peer.name]), [[1, 'b'], [3, 'd'], [4, 'f']]);
  assert.deepEqual((await a.api.peers.list('d')).map((peer) => peer.id), [3]);
  assert.deepEqual(await a.api.peers.list('nobody'), []);
  const unfiltered = await call(a.url, 'GET', '/peers?name=');
  assert.equal((unfiltered.body as unknown[]).length, 3, 'an empty name is no filter');
  assert.equal((await a.api.peers.findByName('f'))?.id, 4);
  assert.deepEqual(await a.api.peers.get(3), {id: 3, name: 'd', target_netunnel_url: b.url, auth_data: {}, static_tunnels: [], status: 'idle'});

  // Renaming: to its own name is fine, to another peer's is not.
  assert.equal((await a.api.peers.update(3, {name: 'd'})).name, 'd');
  assert.deepEqual(await call(a.url, 'POST', '/peers/3', {name: 'b'}), {status: 400, body: {error: 'Peer `b` already exists'}});
  assert.deepEqual(await call(a.url, 'POST', '/peers/3', {}), {status: 200, body: await a.api.peers.get(3)});
  assert.equal((await a.api.peers.update(3, {name: 'dee'})).name, 'dee');

  assert.deepEqual(await call(a.url, 'DELETE', '/peers/1'), {status: 200, body: null});
  assert.deepEqual(await call(a.url, 'GET', '/peers/1'), {status: 404, body: {error: 'Peer `1` was not found'}});

  const saved = JSON.parse(await readFile(configPath, 'utf8')) as {peers: unknown[]};
  assert.deepEqual(saved.peers, [
    {id: 3, name: 'dee', target_netunnel_url: b.url, auth_data: {}, static_tunnels: []},
    {id: 4, name: 'f', target_netunnel_url: b.url, auth_data: {}, static_tunnels: []},
  ]);

  // A new server on the same file has them back.
  await a.server.close();
  const again = await server({configPath});
  assert.deepEqual((await again.api.peers.list()).map((peer) => [peer.id, peer.name]), [[3, 'dee'], [4, 'f']]);
  assert.equal((await again.api.peers.add({name: 'g', target_netunnel_url: b.url})).id, 5);
});

test('a peer that cannot be reached is not registered', async () => {
  const a = await server({configPath});
  const port = await freePort();
  const answer = await call(a.url, 'POST', '/peers', {name: 'x', target_netunnel_url: `http://127.0.0.1:${port}`, auth_data: {}});
  assert.deepEqual(answer, {
    status: 502,
    body: {error: 'Failed to connect with peer `x`', data: {reason: `Cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`}},
  });
  // Something that answers, but is not a NETunnel server.
  const web = createServer((_request, response) => response.writeHead(404, {'Content-Type': 'text/plain'}).end('404: Not Found'));
  web.listen(0, '127.0.0.1');
  await once(web, 'listening');
  cleanups.push(() => new Promise((resolve) => web.close(resolve)));
  const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  assert.deepEqual(await call(a.url, 'POST', '/peers', {name: 'y', target_netunnel_url: webUrl, auth_data: {}}), {
    status: 502,
    // Named as such (it was its 404 text), the message of 1.0.12 kept.
    body: {error: 'Failed to connect with peer `y`', data: {reason: `${webUrl} is not a NETunnel server (GET /version answered 404 text/plain)`}},
  });
  assert.deepEqual(await a.api.peers.list(), []);
  assert.deepEqual((JSON.parse(await readFile(configPath, 'utf8')) as {peers: unknown[]}).peers, []);
});

test('unknown peers and static tunnels answer 404 with 1.0.12 messages', async () => {
  const a = await server();
  const b = await server();
  await a.api.peers.add({name: 'b', target_netunnel_url: b.url});
  const cases: Array<[string, string, unknown, string]> = [
    ['GET', '/peers/77', undefined, 'Peer `77` was not found'],
    ['POST', '/peers/77', {name: 'x'}, 'Peer `77` was not found'],
    ['POST', '/peers/77', {name: 5}, 'Peer `77` was not found'],
    ['DELETE', '/peers/77', undefined, 'Peer `77` was not found'],
    ['GET', '/peers/77/static_tunnels', undefined, 'Peer `77` was not found'],
    ['POST', '/peers/77/static_tunnels', {tunnel_remote_port: 22}, 'Peer `77` was not found'],
    ['GET', '/peers/77/static_tunnels/1', undefined, 'Peer `77` was not found'],
    ['DELETE', '/peers/77/static_tunnels/1', undefined, 'Peer `77` was not found'],
    ['GET', '/peers/1/static_tunnels/9', undefined, 'No static tunnel by id `9` on `b`'],
    ['DELETE', '/peers/1/static_tunnels/9', undefined, 'No static tunnel by id `9` on `b`'],
  ];
  for (const [method, path, body, error] of cases) {
    assert.deepEqual(await call(a.url, method, path, body), {status: 404, body: {error}}, `${method} ${path}`);
  }
  assert.deepEqual(await call(a.url, 'DELETE', '/peers'), {status: 405, body: {error: 'Method DELETE is not allowed on /peers'}});
  assert.deepEqual(await call(a.url, 'GET', '/peers/1/static_tunnels'), {status: 200, body: []});
});

test('every bad body of every route is refused with 400 naming the field, and changes nothing', async () => {
  const a = await server({configPath});
  const b = await server();
  await a.api.peers.add({name: 'b', target_netunnel_url: b.url});
  await a.api.peers.add({name: 'other', target_netunnel_url: b.url});
  const before = await readFile(configPath, 'utf8');
  const peer = {name: 'n', target_netunnel_url: b.url, auth_data: {}};
  const notObject = (received: string) => `The request body must be a JSON object (Invalid input: expected object, received ${received})`;
  const cases: Array<[string, string, unknown, string]> = [
    // POST /peers
    ['POST', '/peers', undefined, notObject('undefined')],
    ['POST', '/peers', [], notObject('array')],
    ['POST', '/peers', '{"name":', `Request body is not valid JSON: ${jsonError('{"name":')}`],
    ['POST', '/peers', {}, 'Missing field `name`'],
    ['POST', '/peers', {...peer, name: 5}, 'Invalid field `name`: expected a string'],
    ['POST', '/peers', {...peer, name: ''}, 'Invalid field `name`: must not be empty'],
    ['POST', '/peers', {name: 'n'}, 'Missing field `target_netunnel_url`'],
    ['POST', '/peers', {...peer, target_netunnel_url: 'ftp://host'}, 'Invalid field `target_netunnel_url`: expected an http:// or https:// URL'],
    ['POST', '/peers', {...peer, target_netunnel_url: 'not a url'}, 'Invalid field `target_netunnel_url`: expected an http:// or https:// URL'],
    ['POST', '/peers', {...peer, target_netunnel_url: null}, 'Invalid field `target_netunnel_url`: expected a string'],
    ['POST', '/peers', {...peer, auth_data: 'secret'}, 'Invalid field `auth_data`: expected an object'],
    ['POST', '/peers', {...peer, auth_data: []}, 'Invalid field `auth_data`: expected an object'],
    ['POST', '/peers', {...peer, id: 9}, "Peer's id is generated by the netunnel server"],
    ['POST', '/peers', {...peer, static_tunnels: []}, 'Unknown field `static_tunnels`'],
    ['POST', '/peers', {...peer, nickname: 'x', colour: 'y'}, 'Unknown fields `nickname`, `colour`'],
    // POST /peers/{id}
    ['POST', '/peers/1', [], notObject('array')],
    ['POST', '/peers/1', {name: 5}, 'Invalid field `name`: expected a string'],
    ['POST', '/peers/1', {name: ''}, 'Invalid field `name`: must not be empty'],
    ['POST', '/peers/1', {name: 'other'}, 'Peer `other` already exists'],
    ['POST', '/peers/1', {target_netunnel_url: 'localhost:4040'}, 'Invalid field `target_netunnel_url`: expected an http:// or https:// URL'],
    ['POST', '/peers/1', {auth_data: 1}, 'Invalid field `auth_data`: expected an object'],
    ['POST', '/peers/1', {id: 2}, 'Unknown field `id`'],
    ['POST', '/peers/1', {static_tunnels: []}, 'Unknown field `static_tunnels`'],
    // POST /peers/{id}/static_tunnels
    ['POST', '/peers/1/static_tunnels', undefined, notObject('undefined')],
    ['POST', '/peers/1/static_tunnels', {}, 'Missing field `tunnel_remote_port`'],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: '22'}, 'Invalid field `tunnel_remote_port`: expected an integer'],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 22.5}, 'Invalid field `tunnel_remote_port`: expected an integer'],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 0}, 'Invalid field `tunnel_remote_port`: must be between 1 and 65535'],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 65536}, 'Invalid field `tunnel_remote_port`: must be between 1 and 65535'],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 22, tunnel_remote_address: 'localhost'}, 'Invalid field `tunnel_remote_address`: expected an IPv4 address'],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 22, tunnel_remote_address: 7}, 'Invalid field `tunnel_remote_address`: expected a string'],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 22, tunnel_local_address: '::1'}, 'Invalid field `tunnel_local_address`: expected an IPv4 address'],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 22, tunnel_local_port: 20000}, "Tunnel's local_port is generated by the netunnel server"],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 22, id: 1}, "Tunnel's id is generated by the netunnel server"],
    ['POST', '/peers/1/static_tunnels', {tunnel_remote_port: 22, reverse: true}, 'Unknown field `reverse`'],
    // POST /config/http-proxy
    ['POST', '/config/http-proxy', undefined, notObject('undefined')],
    ['POST', '/config/http-proxy', {}, "Missing 'proxy_url' for proxy"],
    ['POST', '/config/http-proxy', {username: 'u', password: 'p'}, "Missing 'proxy_url' for proxy"],
    ['POST', '/config/http-proxy', {proxy_url: 3128}, 'Invalid field `proxy_url`: expected a string'],
    ['POST', '/config/http-proxy', {proxy_url: '127.0.0.1:3128'}, 'Invalid field `proxy_url`: expected an http:// or https:// URL'],
    ['POST', '/config/http-proxy', {proxy_url: 'http://127.0.0.1:3128', username: 'u'}, 'HTTP proxy authentication should include both username and password'],
    ['POST', '/config/http-proxy', {proxy_url: 'http://127.0.0.1:3128', password: 'p', check_proxy: false}, 'HTTP proxy authentication should include both username and password'],
    ['POST', '/config/http-proxy', {proxy_url: 'http://127.0.0.1:3128', username: 1, password: 'p'}, 'Invalid field `username`: expected a string or null'],
    ['POST', '/config/http-proxy', {proxy_url: 'http://127.0.0.1:3128', username: 'u', password: ['p']}, 'Invalid field `password`: expected a string or null'],
    ['POST', '/config/http-proxy', {proxy_url: 'http://127.0.0.1:3128', test_url: 'google.com'}, 'Invalid field `test_url`: expected an http:// or https:// URL'],
    ['POST', '/config/http-proxy', {proxy_url: 'http://127.0.0.1:3128', check_proxy: 'no'}, 'Invalid field `check_proxy`: expected a boolean'],
    ['POST', '/config/http-proxy', {proxy_url: null, colour: 'red'}, 'Unknown field `colour`'],
    // POST /config/factory-reset
    ['POST', '/config/factory-reset', [], notObject('array')],
    ['POST', '/config/factory-reset', {disconnect_clients: 'yes'}, 'Invalid field `disconnect_clients`: expected a boolean'],
    ['POST', '/config/factory-reset', {disconnect: true}, 'Unknown field `disconnect`'],
  ];
  for (const [method, path, body, error] of cases) {
    assert.deepEqual(await call(a.url, method, path, body), {status: 400, body: {error}}, `${method} ${path} ${JSON.stringify(body)}`);
  }
  assert.equal(await readFile(configPath, 'utf8'), before, 'nothing was saved');
  assert.deepEqual((await a.api.peers.list()).map((p) => [p.id, p.name, p.static_tunnels.length]), [[1, 'b', 0], [2, 'other', 0]]);
  assert.deepEqual(await a.api.proxy.get(), {});
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('valid JSON');
}
