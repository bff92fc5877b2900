/**
 * The one client of a server's routes against a server answering as NETunnel 1.0.12 does
 * (PROTOCOL.md 4, and its observed answers): its objects parse as they are, without our live
 * fields, `server.info()` is null, and what the client sends is the wire's shapes; and our
 * connections API against a real server (listing, one connection, closing it, draining).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {once} from 'node:events';
import {BadAnswerError, ServerRefusedError} from '../../source/client/client-errors.js';
import {ManagementClient} from '../../source/client/management-client.js';
import {startAnsweringServer} from '../helpers/answering-server.js';
import {deferrer} from '../helpers/cleanup.js';
import {openHalfOpen, readToEnd, startHalfOpenService} from '../helpers/half-open.js';
import {eventually, startServer} from '../helpers/netunnel.js';
import {within} from '../helpers/streams.js';
import {startTunnel} from '../helpers/tunnels.js';

const STATIC_TUNNEL = {id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: 22};
const PEER = {id: 1, name: 'server1', target_netunnel_url: 'http://localhost:4040', auth_data: {}, static_tunnels: [STATIC_TUNNEL]};
const MASKED_PROXY = {proxy_url: 'http://127.0.0.1:3128', username: '******', password: '******'};

test("a 1.0.12 server's answers parse as they are", async (t) => {
  const server = await startAnsweringServer(t, {
    'GET /version': {text: '1.0.12'},
    'GET /peers': {json: [PEER]},
    'GET /peers?name=server1': {json: [PEER]},
    'GET /peers/1': {json: PEER},
    'POST /peers/1': {json: {...PEER, name: 'renamed'}},
    'GET /peers/1/static_tunnels': {json: [STATIC_TUNNEL]},
    'POST /peers/1/static_tunnels': {json: STATIC_TUNNEL},
    'DELETE /peers/1/static_tunnels/1': {json: null},
    'DELETE /peers/1': {json: null},
    'GET /config/http-proxy': {json: MASKED_PROXY},
    'POST /config/http-proxy': {json: {}},
    'POST /config/factory-reset': {json: null},
    'DELETE /channels/1/tunnels/2': {json: null},
  });
  const client = new ManagementClient({serverUrl: server.url});
  t.after(() => client.close());
  assert.equal(await client.server.version(), '1.0.12');
  assert.equal(await client.server.info(), null, 'no /server-info: no management API');
  assert.deepEqual(await client.peers.list(), [PEER]);
  assert.deepEqual(await client.peers.findByName('server1'), PEER);
  assert.deepEqual(await client.peers.get(1), PEER);
  assert.deepEqual(await client.peers.update(1, {name: 'renamed'}), {...PEER, name: 'renamed'});
  assert.deepEqual(await client.staticTunnels.list(1), [STATIC_TUNNEL]);
  assert.deepEqual(await client.staticTunnels.add(1, {tunnel_remote_port: 22}), STATIC_TUNNEL);
  assert.equal(await client.staticTunnels.remove(1, 1), undefined);
  assert.equal(await client.peers.remove(1), undefined);
  assert.deepEqual(await client.proxy.get(), MASKED_PROXY);
  assert.deepEqual(await client.proxy.clear(), {});
  assert.equal(await client.server.factoryReset(), undefined);
  assert.equal(await client.tunnels.delete(1, 2), undefined);
  // Ours only: a 1.0.12 server has no such route.
  await assert.rejects(client.tunnels.close(1, 2), (error: unknown) => error instanceof ServerRefusedError && error.status === 404 && error.message === '404: Not Found');
  assert.deepEqual(server.requests, [
    'GET /version',
    'GET /server-info',
    // A plain-text 404 (no NETunnel route answers text) and no /server-info: is it a NETunnel server?
    'GET /version',
    'GET /version',
    'GET /peers',
    'GET /peers?name=server1',
    'GET /peers/1',
    'POST /peers/1 {"name":"renamed"}',
    'GET /peers/1/static_tunnels',
    'POST /peers/1/static_tunnels {"tunnel_remote_port":22}',
    'DELETE /peers/1/static_tunnels/1',
    'DELETE /peers/1',
    'GET /config/http-proxy',
    'POST /config/http-proxy {"proxy_url":null}',
    'POST /config/factory-reset {}',
    'DELETE /channels/1/tunnels/2 {"force":false}',
    'POST /channels/1/tunnels/2/close {"force":true}',
    'GET /version',
  ]);
});

test('adding a peer sends the auth_data 1.0.12 requires, `{}` when none is given', async (t) => {
  const server = await startAnsweringServer(t, {'POST /peers': {json: PEER}});
  const client = new ManagementClient({serverUrl: server.url});
  t.after(() => client.close());
  assert.deepEqual(await client.peers.add({name: 'server1', target_netunnel_url: 'http://localhost:4040'}), PEER);
  await client.peers.add({name: 'server1', target_netunnel_url: 'http://localhost:4040', auth_data: {secret: 's'}});
  assert.deepEqual(server.requests, [
    'POST /peers {"name":"server1","target_netunnel_url":"http://localhost:4040","auth_data":{}}',
    'POST /peers {"name":"server1","target_netunnel_url":"http://localhost:4040","auth_data":{"secret":"s"}}',
  ]);
});

test('list, get and close a connection, then drain its tunnel', async (t) => {
  const service = await startHalfOpenService(deferrer(t));
  const {url, client, tunnel, entrancePort, defer} = await startTunnel(t, 'reverse', service.port);
  const management = new ManagementClient({serverUrl: url});
  defer(() => management.close());
  const app = await openHalfOpen(defer, entrancePort);
  await within(service.nextSocket(), 5000, 'the connection at the service');
  await eventually(async () => (await management.connections.list()).length === 1, 5000, 'the listing');
  const [listed] = await management.connections.list({channelId: client.channelId, tunnelId: tunnel.id});
  assert.deepEqual(listed!.source, {address: '127.0.0.1', port: app.localPort});
  assert.equal((await management.connections.get(listed!.id)).tunnel_id, tunnel.id);
  const ended = readToEnd(app);
  await management.connections.close(listed!.id);
  await within(ended, 5000, 'the cut');
  assert.deepEqual(await management.connections.list(), []);
  await assert.rejects(management.connections.get(listed!.id), {name: 'ServerRefusedError', status: 404, message: `Connection \`${listed!.id}\` was not found`});
  assert.deepEqual(await management.tunnels.drain(client.channelId, tunnel.id, {timeout_ms: 1000}), {
    channel_id: client.channelId,
    tunnel_id: tunnel.id,
    state: 'draining',
    connections: {active: 0, total: 1},
    timeout_ms: 1000,
  });
  await within(tunnel.closed, 5000, 'the drained tunnel to stop at the client');
});

test('a server without the connections API answers 404; an answer that does not fit is a BadAnswerError', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer({extensions: false});
  defer(() => server.close());
  const strict = new ManagementClient({serverUrl: url});
  defer(() => strict.close());
  await assert.rejects(strict.connections.list(), (error: unknown) => error instanceof ServerRefusedError && error.status === 404);

  const odd = http.createServer((request, response) => {
    request.resume();
    response.writeHead(200, {'Content-Type': 'application/json'});
    response.end(JSON.stringify([{id: 'one'}]));
  });
  odd.listen(0, '127.0.0.1');
  await once(odd, 'listening');
  defer(() => new Promise<void>((resolve) => odd.close(() => resolve())));
  const confused = new ManagementClient({serverUrl: `http://127.0.0.1:${(odd.address() as {port: number}).port}`});
  defer(() => confused.close());
  await assert.rejects(
    confused.connections.list({channelId: 2}),
    (error: unknown) =>
      error instanceof BadAnswerError &&
      error.code === 'NETUNNEL_ERR_BAD_ANSWER' &&
      error.message === 'GET /connections?channel_id=2 answered an unexpected body: 0.id: expected number',
  );
});
