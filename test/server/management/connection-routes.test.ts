/**
 * The connections routes through a real server, client and sockets: GET /connections (all, per
 * channel, per tunnel) and GET /connections/{id} with whole documents, DELETE /connections/{id}
 * cutting both halves, and every refusal of bad input with its exact status and body.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {Socket} from 'node:net';
import {FEATURES} from '../../../source/protocol/management.js';
import {deferrer} from '../../helpers/cleanup.js';
import {call} from '../../helpers/http.js';
import {openHalfOpen, startHalfOpenService, type HalfOpenService} from '../../helpers/half-open.js';
import {between, PINNED, pinned, timeSince} from '../../helpers/pinned.js';
import {readExactly, within} from '../../helpers/streams.js';
import {randomPayload} from '../../helpers/tcp.js';
import {startTunnel, type Direction} from '../../helpers/tunnels.js';

/** A connection through the tunnel with `up` bytes sent and `down` answered, both read whole at the far end. */
async function openConnection(defer: ReturnType<typeof deferrer>, entrancePort: number, service: HalfOpenService, up: number, down: number) {
  const app = await openHalfOpen(defer, entrancePort);
  const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
  const sent = randomPayload(up);
  app.write(sent);
  assert.ok((await within(readExactly(serviceSocket, up), 5000, 'the bytes at the service')).equals(sent));
  const answer = randomPayload(down);
  serviceSocket.write(answer);
  assert.ok((await within(readExactly(app, down), 5000, 'the answer at the application')).equals(answer));
  return {app, serviceSocket};
}

const PINS = {
  id: between(1, 1000),
  opened_at: timeSince(Date.now() - 60_000),
  last_activity_at: timeSince(Date.now() - 60_000),
  idle_ms: between(0, 10_000),
  'rate.sent': between(0, 1e9),
  'rate.received': between(0, 1e9),
};

/** Resolves when the socket sees its peer end or reset it. */
function endOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('end', () => resolve('end'));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

for (const direction of ['reverse', 'forward'] as Direction[]) {
  test(`${direction}: GET /connections lists an open connection with its source and exact bytes; filters and GET /connections/{id} agree`, async (t) => {
    const defer = deferrer(t);
    const service = await startHalfOpenService(defer);
    const {url, client, tunnel, entrancePort} = await startTunnel(t, direction, service.port);
    const {app} = await openConnection(defer, entrancePort, service, 1000, 500);
    // The server sees the application itself at a reverse tunnel's entrance; at a forward
    // tunnel's exit only the stream extension's start frame tells it (a classic marker does not).
    const seen = {address: '127.0.0.1', port: app.localPort!};
    const source = direction === 'reverse' || (FEATURES as readonly string[]).includes('stream') ? seen : null;
    const expected = {
      id: PINNED,
      channel_id: client.channelId,
      tunnel_id: tunnel.id,
      source,
      opened_at: PINNED,
      last_activity_at: PINNED,
      idle_ms: PINNED,
      state: 'open',
      ended: null,
      bytes: {sent: 1000, received: 500},
      rate: {sent: PINNED, received: PINNED},
    };
    const all = await call(url, 'GET', '/connections');
    assert.equal(all.status, 200);
    assert.deepEqual(pinned(all.body, Object.fromEntries(Object.entries(PINS).map(([path, check]) => [`*.${path}`, check]))), [expected]);
    const [listed] = all.body as Array<{id: number}>;
    for (const path of [`/connections?channel_id=${client.channelId}`, `/connections?channel_id=${client.channelId}&tunnel_id=${tunnel.id}`]) {
      const filtered = await call(url, 'GET', path);
      assert.deepEqual([filtered.status, (filtered.body as Array<{id: number}>).map((item) => item.id)], [200, [listed!.id]], path);
    }
    const one = await call(url, 'GET', `/connections/${listed!.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(pinned(one.body, PINS), expected);
    assert.equal((one.body as {id: number}).id, listed!.id);
  });

  test(`${direction}: DELETE /connections/{id} cuts both halves (the application and the service see the end) and the record goes`, async (t) => {
    const defer = deferrer(t);
    const service = await startHalfOpenService(defer);
    const {url, entrancePort} = await startTunnel(t, direction, service.port);
    const {app, serviceSocket} = await openConnection(defer, entrancePort, service, 10, 10);
    const [listed] = (await call(url, 'GET', '/connections')).body as Array<{id: number}>;
    const appClosed = endOf(app);
    const serviceClosed = endOf(serviceSocket);
    assert.deepEqual(await call(url, 'DELETE', `/connections/${listed!.id}`), {status: 200, body: null});
    const ends = await within(Promise.all([appClosed, serviceClosed]), 5000, 'both sockets to see the end');
    // With the stream extension the cut crosses as an abort: both applications see a reset. On the
    // classic wire this server closes its socket and cuts the websocket, whose loss ends the far socket.
    const streams = (FEATURES as readonly string[]).includes('stream');
    assert.deepEqual(ends, streams ? ['ECONNRESET', 'ECONNRESET'] : ['end', 'end']);
    assert.deepEqual(await call(url, 'GET', '/connections'), {status: 200, body: []});
    const gone = {status: 404, body: {error: `Connection \`${listed!.id}\` was not found`}};
    assert.deepEqual(await call(url, 'GET', `/connections/${listed!.id}`), gone);
    assert.deepEqual(await call(url, 'DELETE', `/connections/${listed!.id}`), gone);
  });
}

test('a classic forward tunnel (a client announcing nothing, as 1.0.12) lists its connections with an unknown source', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const {url, entrancePort} = await startTunnel(t, 'forward', service.port, {client: {features: []}});
  await openConnection(defer, entrancePort, service, 3, 4);
  const listed = (await call(url, 'GET', '/connections')).body as Array<{source: unknown; bytes: unknown}>;
  assert.deepEqual(
    listed.map((item) => [item.source, item.bytes]),
    [[null, {sent: 3, received: 4}]],
  );
});

test('connections are listed oldest first, and each filter keeps only its own', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const setup = await startTunnel(t, 'reverse', service.port);
  const other = await setup.client.openTunnelToClient({exitPort: service.port});
  await openConnection(defer, setup.entrancePort, service, 1, 1);
  await openConnection(defer, other.entrance.port, service, 1, 1);
  await openConnection(defer, setup.entrancePort, service, 1, 1);
  const list = async (path: string) => ((await call(setup.url, 'GET', path)).body as Array<{id: number; tunnel_id: number}>).map((item) => [item.id, item.tunnel_id]);
  const all = await list('/connections');
  assert.deepEqual(all.map(([, tunnelId]) => tunnelId), [setup.tunnel.id, other.id, setup.tunnel.id]);
  assert.ok(all[0]![0]! < all[1]![0]! && all[1]![0]! < all[2]![0]!, 'ids count up');
  assert.deepEqual(await list(`/connections?channel_id=${setup.client.channelId}&tunnel_id=${other.id}`), [all[1]]);
  assert.deepEqual(await list(`/connections?tunnel_id=${setup.tunnel.id}&channel_id=${setup.client.channelId}`), [all[0], all[2]]);
});

test('bad input on the connections routes: exact statuses and bodies', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const {url, client, tunnel} = await startTunnel(t, 'reverse', service.port);
  const cid = client.channelId;
  const cases: Array<[string, string, number, string]> = [
    ['GET', '/connections?channel_id=abc', 400, 'Invalid query parameter `channel_id`: expected a positive integer'],
    ['GET', '/connections?channel_id=-1', 400, 'Invalid query parameter `channel_id`: expected a positive integer'],
    ['GET', '/connections?channel_id=0', 400, 'Invalid query parameter `channel_id`: expected a positive integer'],
    ['GET', '/connections?channel_id=1.5', 400, 'Invalid query parameter `channel_id`: expected a positive integer'],
    ['GET', '/connections?channel_id=', 400, 'Invalid query parameter `channel_id`: expected a positive integer'],
    ['GET', `/connections?tunnel_id=${tunnel.id}`, 400, 'Invalid query parameter `tunnel_id`: it needs `channel_id`'],
    ['GET', '/connections?peer=1', 400, 'Unknown query parameter `peer`'],
    ['GET', `/connections?channel_id=${cid}&channel_id=${cid}`, 400, 'Query parameter `channel_id` is given twice'],
    ['GET', '/connections?channel_id=99', 404, 'Channel `99` was not found'],
    ['GET', `/connections?channel_id=${cid}&tunnel_id=99`, 404, `Tunnel \`99\` was not found on channel \`${cid}\``],
    ['GET', '/connections/99', 404, 'Connection `99` was not found'],
    ['GET', '/connections/0', 404, 'Connection `0` was not found'],
    ['DELETE', '/connections/999999999999999', 404, 'Connection `999999999999999` was not found'],
    ['GET', '/connections/-1', 404, 'Not found: GET /connections/-1'],
    ['DELETE', '/connections/abc', 404, 'Not found: DELETE /connections/abc'],
    ['DELETE', '/connections/1e3', 404, 'Not found: DELETE /connections/1e3'],
    ['GET', '/connections/9999999999999999', 404, 'Not found: GET /connections/9999999999999999'],
    ['POST', '/connections', 405, 'Method POST is not allowed on /connections'],
    ['DELETE', '/connections', 405, 'Method DELETE is not allowed on /connections'],
    ['POST', '/connections/1', 405, 'Method POST is not allowed on /connections/1'],
  ];
  for (const [method, path, status, error] of cases) {
    assert.deepEqual(await call(url, method, path), {status, body: {error}}, `${method} ${path}`);
  }
});
