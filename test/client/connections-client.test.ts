/**
 * ConnectionsClient against a real server (listing, one connection, closing it, draining),
 * against a server without the API (404), and against one whose answer does not fit the
 * schema (a ProtocolError naming the field).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {once} from 'node:events';
import {ConnectionsClient} from '../../source/client/connections-client.js';
import {ServerRefusedError} from '../../source/client/client-errors.js';
import {ProtocolError} from '../../source/protocol/errors.js';
import {deferrer} from '../helpers/cleanup.js';
import {openHalfOpen, readToEnd, startHalfOpenService} from '../helpers/half-open.js';
import {eventually, startServer} from '../helpers/netunnel.js';
import {within} from '../helpers/streams.js';
import {startTunnel} from '../helpers/tunnels.js';

test('list, get and close a connection, then drain its tunnel', async (t) => {
  const service = await startHalfOpenService(deferrer(t));
  const {url, client, tunnel, entrancePort, defer} = await startTunnel(t, 'reverse', service.port);
  const connections = new ConnectionsClient({serverUrl: url});
  defer(() => connections.close());
  const app = await openHalfOpen(defer, entrancePort);
  await within(service.nextSocket(), 5000, 'the connection at the service');
  await eventually(async () => (await connections.listConnections()).length === 1, 5000, 'the listing');
  const [listed] = await connections.listConnections({channelId: client.channelId, tunnelId: tunnel.id});
  assert.deepEqual(listed!.source, {address: '127.0.0.1', port: app.localPort});
  assert.equal((await connections.getConnection(listed!.id)).tunnel_id, tunnel.id);
  const ended = readToEnd(app);
  await connections.closeConnection(listed!.id);
  await within(ended, 5000, 'the cut');
  assert.deepEqual(await connections.listConnections(), []);
  await assert.rejects(connections.getConnection(listed!.id), {name: 'ServerRefusedError', status: 404, message: `Connection \`${listed!.id}\` was not found`});
  assert.deepEqual(await connections.drainTunnel(client.channelId, tunnel.id, {timeoutMs: 1000}), {
    channel_id: client.channelId,
    tunnel_id: tunnel.id,
    state: 'draining',
    connections: {active: 0, total: 1},
    timeout_ms: 1000,
  });
  await within(tunnel.closed, 5000, 'the drained tunnel to stop at the client');
});

test('a server without the API answers 404; an answer that does not fit is a ProtocolError', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer({extensions: false});
  defer(() => server.close());
  const strict = new ConnectionsClient({serverUrl: url});
  defer(() => strict.close());
  await assert.rejects(strict.listConnections(), (error: unknown) => error instanceof ServerRefusedError && error.status === 404);

  const odd = http.createServer((request, response) => {
    request.resume();
    response.writeHead(200, {'Content-Type': 'application/json'});
    response.end(JSON.stringify([{id: 'one'}]));
  });
  odd.listen(0, '127.0.0.1');
  await once(odd, 'listening');
  defer(() => new Promise<void>((resolve) => odd.close(() => resolve())));
  const confused = new ConnectionsClient({serverUrl: `http://127.0.0.1:${(odd.address() as {port: number}).port}`});
  defer(() => confused.close());
  await assert.rejects(
    confused.listConnections({channelId: 2}),
    (error: unknown) =>
      error instanceof ProtocolError &&
      error.code === 'NETUNNEL_ERR_PROTOCOL' &&
      error.message === "The server's answer to GET /connections?channel_id=2 does not fit: Invalid field `0.id`: Invalid input: expected number, received string",
  );
});
