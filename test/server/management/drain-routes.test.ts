/**
 * Draining a tunnel through a real server, client and sockets: the open connection finishes
 * with its bytes whole, a new one is refused (the entrance no longer accepts), then the tunnel
 * goes with `tunnel.deleted`; a timeout cuts what is left; a 1.0.12 client gets the
 * DELETE_TUNNEL it knows, byte for byte; bad input is refused exactly.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {encodeRequest} from '../../../source/protocol/channel-frames.js';
import {deferrer} from '../../helpers/cleanup.js';
import {subscribeEvents} from '../../helpers/event-stream.js';
import {call} from '../../helpers/http.js';
import {openHalfOpen, readToEnd, startHalfOpenService} from '../../helpers/half-open.js';
import {eventually, startServer} from '../../helpers/netunnel.js';
import {openRawChannel} from '../../helpers/raw-channel.js';
import {digestOf, readExactly, sha256, within, writeWithBackpressure} from '../../helpers/streams.js';
import {isPortClosed, randomPayload} from '../../helpers/tcp.js';
import {startTunnel, type Direction} from '../../helpers/tunnels.js';

for (const direction of ['forward', 'reverse'] as Direction[]) {
  test(`${direction}: a drain lets the open connection finish whole, refuses a new one, then the tunnel goes`, async (t) => {
    const defer = deferrer(t);
    const service = await startHalfOpenService(defer);
    const {url, client, tunnel, entrancePort} = await startTunnel(t, direction, service.port);
    const events = await subscribeEvents(defer, url);
    const app = await openHalfOpen(defer, entrancePort);
    const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
    app.write('hello');
    await readExactly(serviceSocket, 5);
    const cid = client.channelId;

    const drained = await call(url, 'POST', `/channels/${cid}/tunnels/${tunnel.id}/drain`, {});
    assert.deepEqual(drained, {
      status: 200,
      body: {channel_id: cid, tunnel_id: tunnel.id, state: 'draining', connections: {active: 1, total: 1}, timeout_ms: null},
    });
    const listed = (await call(url, 'GET', '/tunnels')).body as Array<{id: number; state: string}>;
    assert.deepEqual(listed.map((item) => [item.id, item.state]), [[tunnel.id, 'draining']]);
    const draining = await events.waitFor('tunnel.draining');
    assert.deepEqual({...draining, at: 'pinned'}, {type: 'tunnel.draining', at: 'pinned', channel_id: cid, tunnel_id: tunnel.id});

    // The entrance no longer accepts: the client's own (told by DELETE_TUNNEL) or the server's.
    await eventually(() => isPortClosed(entrancePort), 5000, 'the entrance to refuse connections');
    assert.equal(await isPortClosed(entrancePort), true);

    // The open connection carries on both ways, to its end (classic: an end closes both ways).
    const up = randomPayload(300_000);
    const down = randomPayload(200_000);
    const atService = digestOf(serviceSocket, up.length);
    void writeWithBackpressure(app, up).done;
    assert.deepEqual(await within(atService, 10_000, 'the rest at the service'), {length: up.length, sha256: sha256(up)});
    const atApp = digestOf(app, down.length);
    void writeWithBackpressure(serviceSocket, down).done;
    assert.deepEqual(await within(atApp, 10_000, 'the answer at the application'), {length: down.length, sha256: sha256(down)});
    // Both ends close (on the classic wire the first end closes both ways; with the stream
    // extension each way ends by itself, and a half-closed connection is still open).
    const serviceEnd = readToEnd(serviceSocket);
    const appEnd = readToEnd(app);
    app.end();
    assert.equal((await within(serviceEnd, 5000, 'the end at the service')).error, undefined);
    serviceSocket.end();
    assert.equal((await within(appEnd, 5000, 'the end at the application')).error, undefined);

    const deleted = await events.waitFor('tunnel.deleted', () => true, 10_000);
    assert.deepEqual(deleted, {type: 'tunnel.deleted', channel_id: cid, tunnel_id: tunnel.id});
    const order = events.events.map((event) => event.type).filter((type) => type.startsWith('tunnel.') || type === 'connection.closed');
    assert.deepEqual(order.slice(-3), ['tunnel.draining', 'connection.closed', 'tunnel.deleted'], 'the connection ends before its tunnel goes');
    assert.deepEqual(await call(url, 'GET', '/tunnels'), {status: 200, body: []});
    await within(tunnel.closed, 5000, "the client's half to stop");
    assert.deepEqual(client.tunnels, []);
  });
}

test('a drain with a timeout cuts what is still open when it passes, and the tunnel goes', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const {url, client, tunnel, entrancePort} = await startTunnel(t, 'reverse', service.port);
  const events = await subscribeEvents(defer, url);
  const app = await openHalfOpen(defer, entrancePort);
  await within(service.nextSocket(), 5000, 'the connection at the service');
  const appEnd = readToEnd(app);
  const started = Date.now();
  const answer = await call(url, 'POST', `/channels/${client.channelId}/tunnels/${tunnel.id}/drain`, {timeout_ms: 200});
  assert.equal((answer.body as {timeout_ms: number}).timeout_ms, 200);
  await within(appEnd, 5000, 'the connection to be cut');
  assert.ok(Date.now() - started >= 190, 'not before the timeout');
  await events.waitFor('tunnel.deleted');
  assert.equal(events.all('tunnel.deleted').length, 1);
  // Cut, not ended; and reported before the tunnel goes.
  const closed = events.all('connection.closed').flatMap((event) => [
    ...event.connections.map((item) => ['listed', item.aborted]),
    ...event.short_lived.map((item) => ['short-lived', item.aborted === item.count]),
  ]);
  assert.equal(closed.length, 1);
  assert.equal(closed[0]![1], true);
  const order = events.events.map((event) => event.type).filter((type) => type === 'connection.closed' || type === 'tunnel.deleted');
  assert.deepEqual(order, ['connection.closed', 'tunnel.deleted']);
});

test("a 1.0.12 client's tunnel: the drain sends it the DELETE_TUNNEL it knows (force false), byte for byte", async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer();
  defer(() => server.close());
  const raw = await openRawChannel(t, url);
  const frames: Buffer[] = [];
  raw.control.on('message', (data: Buffer, isBinary) => isBinary && frames.push(data));
  const {tunnel_id: tunnelId} = (await raw.createTunnel({entrance_address: '127.0.0.1', entrance_port: null, reverse: true})) as {tunnel_id: number};
  const asked = await within(raw.nextRequest(), 5000, 'the request for a websocket');
  assert.equal(asked.messageName, 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION');
  assert.equal((await call(url, 'POST', `/channels/${raw.id}/tunnels/${tunnelId}/drain`)).status, 200);
  const told = await within(raw.nextRequest(), 5000, 'DELETE_TUNNEL');
  assert.deepEqual([told.messageName, told.data], ['DELETE_TUNNEL', {tunnel_id: tunnelId, force: false}]);
  assert.ok(frames.at(-1)!.equals(Buffer.from(encodeRequest(told.identifier, 'DELETE_TUNNEL', {tunnel_id: tunnelId, force: false}))));
  await eventually(() => server.channels.get(raw.id).tunnels.size === 0, 5000, 'the tunnel to go');
});

test('bad input on the drain route, a second drain, and a forced close of a draining tunnel', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const {url, client, tunnel, entrancePort} = await startTunnel(t, 'reverse', service.port);
  const events = await subscribeEvents(defer, url);
  const cid = client.channelId;
  const path = `/channels/${cid}/tunnels/${tunnel.id}/drain`;
  const cases: Array<[string, string, unknown, number, string]> = [
    ['POST', '/channels/99/tunnels/1/drain', {}, 404, 'Channel `99` was not found'],
    ['POST', `/channels/${cid}/tunnels/99/drain`, {}, 404, `Tunnel \`99\` was not found on channel \`${cid}\``],
    ['POST', '/channels/-1/tunnels/1/drain', {}, 404, 'Not found: POST /channels/-1/tunnels/1/drain'],
    ['POST', '/channels/x/tunnels/1/drain', {}, 404, 'Not found: POST /channels/x/tunnels/1/drain'],
    ['POST', path, {timeout_ms: -5}, 400, 'Invalid field `timeout_ms`: Too small: expected number to be >=1'],
    ['POST', path, {timeout_ms: 0}, 400, 'Invalid field `timeout_ms`: Too small: expected number to be >=1'],
    ['POST', path, {timeout_ms: 1.5}, 400, 'Invalid field `timeout_ms`: Invalid input: expected int, received number'],
    ['POST', path, {timeout_ms: 'soon'}, 400, 'Invalid field `timeout_ms`: Invalid input: expected number, received string'],
    ['POST', path, {timeout_ms: 86_400_001}, 400, 'Invalid field `timeout_ms`: Too big: expected number to be <=86400000'],
    ['POST', path, {force: true}, 400, 'Unknown field `force`'],
    ['POST', path, [], 400, 'The request body must be a JSON object (Invalid input: expected object, received array)'],
    ['POST', path, 'not json', 400, 'Request body is not valid JSON: Unexpected token \'o\', "not json" is not valid JSON'],
    ['GET', path, undefined, 405, `Method GET is not allowed on ${path}`],
    ['DELETE', path, undefined, 405, `Method DELETE is not allowed on ${path}`],
  ];
  for (const [method, target, body, status, error] of cases) {
    assert.deepEqual(await call(url, method, target, body), {status, body: {error}}, `${method} ${target} ${JSON.stringify(body)}`);
  }
  assert.deepEqual(await call(url, 'GET', '/tunnels').then((answer) => (answer.body as Array<{state: string}>)[0]!.state), 'open', 'refusals change nothing');

  const app = await openHalfOpen(defer, entrancePort);
  await within(service.nextSocket(), 5000, 'a connection to wait for');
  assert.equal((await call(url, 'POST', path)).status, 200, 'no body: wait for every connection');
  assert.deepEqual(await call(url, 'POST', path, {}), {status: 409, body: {error: `Tunnel \`${tunnel.id}\` of channel \`${cid}\` is already draining`}});
  // The operator gives up waiting: a forced close cuts the connection, and the tunnel goes once.
  const appEnd = readToEnd(app);
  assert.deepEqual(await call(url, 'POST', `/channels/${cid}/tunnels/${tunnel.id}/close`, {force: true}), {status: 200, body: null});
  await within(appEnd, 5000, 'the connection to be cut');
  await events.waitFor('tunnel.deleted');
  await eventually(() => client.tunnels.length === 0, 5000, "the client's half to stop");
  assert.equal(events.all('tunnel.deleted').length, 1);
});
