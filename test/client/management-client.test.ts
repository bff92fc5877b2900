/**
 * The one client of a server's routes against a server answering as NETunnel 1.0.12 does
 * (PROTOCOL.md 4, and its observed answers): its objects parse as they are, without our live
 * fields, `server.info()` is null, and what the client sends is the wire's shapes.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ServerRefusedError} from '../../source/client/client-errors.js';
import {ManagementClient} from '../../source/client/management-client.js';
import {startAnsweringServer} from '../helpers/answering-server.js';

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
