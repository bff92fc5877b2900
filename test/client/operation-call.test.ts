/**
 * Answers that do not fit their operation's schema: a server answering something else is a
 * BadAnswerError naming the request and the field, never an object taken for what it is not.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {BadAnswerError, ServerRefusedError} from '../../source/client/client-errors.js';
import {ManagementClient} from '../../source/client/management-client.js';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {startAnsweringServer} from '../helpers/answering-server.js';
import {within} from '../helpers/streams.js';

const STATIC_TUNNEL = {id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: 22};
const PEER = {id: 1, name: 'b', target_netunnel_url: 'http://b:4040', auth_data: {}, static_tunnels: [STATIC_TUNNEL]};

function badAnswer(message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof BadAnswerError, `expected a BadAnswerError, got ${String(error)}`);
    assert.equal(error.code, 'NETUNNEL_ERR_BAD_ANSWER');
    assert.equal(error.message, message);
    return true;
  };
}

test('each operation parses its answer: a wrong shape names the request and the field', async (t) => {
  const server = await startAnsweringServer(t, {
    'GET /peers/1': {json: {...PEER, static_tunnels: [{...STATIC_TUNNEL, tunnel_local_port: '20000'}]}},
    'GET /peers': {json: {peers: [PEER]}},
    'POST /peers': {json: {...PEER, name: 7}},
    'DELETE /peers/1': {json: {deleted: true}},
    'GET /peers/1/static_tunnels/1': {json: {...STATIC_TUNNEL, status: 'sleeping'}},
    'GET /config/http-proxy': {json: {proxy_url: 3128}},
    'GET /server-info': {json: {implementation: 'netunnel-ts', protocol: '1.0.12'}},
    'GET /tunnels': {json: [{channel_id: 1, id: 1, direction: 'sideways'}]},
    'GET /channels/1': {json: {id: 1}},
  });
  const client = new ManagementClient({serverUrl: server.url});
  t.after(() => client.close());
  const cases: Array<[Promise<unknown>, string]> = [
    [client.peers.get(1), 'GET /peers/1 answered an unexpected body: static_tunnels.0.tunnel_local_port: expected number'],
    [client.peers.list(), 'GET /peers answered an unexpected body: the body: expected array'],
    [client.peers.add({name: 'b', target_netunnel_url: 'http://b:4040'}), 'POST /peers answered an unexpected body: name: expected string'],
    [client.peers.remove(1), 'DELETE /peers/1 answered an unexpected body: the body: expected null'],
    [client.staticTunnels.get(1, 1), 'GET /peers/1/static_tunnels/1 answered an unexpected body: status: Invalid option: expected one of "online"|"connecting"|"offline"'],
    [client.proxy.get(), 'GET /config/http-proxy answered an unexpected body: proxy_url: expected string'],
    [client.server.info(), 'GET /server-info answered an unexpected body: version: expected string'],
    [client.tunnels.list(), 'GET /tunnels answered an unexpected body: 0.direction: Invalid option: expected one of "forward"|"reverse"'],
    [client.channels.get(1), 'GET /channels/1 answered an unexpected body: client_version: expected string'],
  ];
  for (const [call, message] of cases) await assert.rejects(within(call, 5000, message), badAnswer(message));
});

test("a channel's own calls parse their answers too: no channel_id is no channel", async (t) => {
  const server = await startAnsweringServer(t, {'POST /channels': {json: {version: '1.0.12'}}});
  const client = new NetunnelClient({serverUrl: server.url});
  t.after(() => client.close());
  await assert.rejects(within(client.connect(), 5000, 'connect'), badAnswer('POST /channels answered an unexpected body: channel_id: expected number'));
  assert.equal(client.connected, false);
});

test('a refusal is still the server refusing, whatever its body; a text answer is taken as text', async (t) => {
  const server = await startAnsweringServer(t, {
    'GET /peers/9': {status: 404, json: {error: 'Peer `9` was not found'}},
    'GET /version': {text: '1.0.12'},
  });
  const client = new ManagementClient({serverUrl: server.url});
  t.after(() => client.close());
  await assert.rejects(client.peers.get(9), (error: unknown) => error instanceof ServerRefusedError && error.status === 404 && error.message === 'Peer `9` was not found');
  assert.equal(await client.server.version(), '1.0.12');
});
