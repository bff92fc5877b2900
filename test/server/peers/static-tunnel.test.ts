import {test} from 'node:test';
import assert from 'node:assert/strict';
import {useStateFixture} from '../../helpers/state-fixture.js';
import {readFile, writeFile} from 'node:fs/promises';
import {createServer, type Server} from 'node:net';
import {once} from 'node:events';
import {ManagementClient} from '../../../source/client/management-client.js';
import {ServerRefusedError} from '../../../source/client/client-errors.js';
import {NetunnelServer} from '../../../source/server/netunnel-server.js';
import type {StaticTunnelStatus} from '../../../source/protocol/server-objects.js';
import {FAST_STATIC_TUNNELS, eventually, waitForStatus} from '../../helpers/netunnel.js';
import {HeaderAuthClient, HeaderAuthServer} from '../../helpers/header-auth.js';
import {exchange, freePort, isPortClosed, randomPayload, startEchoServer, startRelay, type TcpService} from '../../helpers/tcp.js';
import {answersAfterEof, connectionMidStream, endingOf, startAnswerAfterEofService, startHalfOpenEcho, wholeEchoesAfterShutdown} from '../../helpers/half-close.js';
import {startHalfOpenService} from '../../helpers/half-open.js';
import {within} from '../../helpers/streams.js';

// Each test file that makes static tunnels takes its own slice of [20000, 21000); 20000 itself
// belongs to the 1.0.12 config vector loaded by server-state.test.ts.
const PORTS = {min: 20001, max: 20100};

const fixture = useStateFixture('netunnel-static-', PORTS);
const {cleanups, server} = fixture;

async function echo(): Promise<TcpService> {
  const service = await startEchoServer();
  cleanups.push(() => service.close());
  return service;
}

async function assertCarries(port: number, size = 256 * 1024): Promise<void> {
  const payload = randomPayload(size);
  const answer = await exchange(port, payload);
  assert.ok(answer.equals(payload), `${size} bytes went through port ${port} and came back unchanged`);
}

function refusal(status: number, message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ServerRefusedError, `expected a refusal, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.equal(error.status, status);
    return true;
  };
}

test('a static tunnel carries data, survives its peer stopping, and comes back when the peer returns on the same port', async () => {
  const service = await echo();
  const a = await server({configPath: fixture.configPath});
  const b = await server();
  const peer = await a.api.peers.add({name: 'b', target_netunnel_url: b.url});
  assert.deepEqual(peer, {id: 1, name: 'b', target_netunnel_url: b.url, auth_data: {}, static_tunnels: [], status: 'idle'});

  const created = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port});
  const {since, ...rest} = created;
  assert.deepEqual(rest, {
    id: 1,
    tunnel_local_address: '127.0.0.1',
    tunnel_local_port: created.tunnel_local_port,
    tunnel_remote_address: '127.0.0.1',
    tunnel_remote_port: service.port,
    status: 'online',
    last_error: null,
    connections: {active: 0, total: 0},
    bytes: {sent: 0, received: 0},
  });
  assert.ok(created.tunnel_local_port >= PORTS.min && created.tunnel_local_port < PORTS.max);
  assert.ok(!Number.isNaN(Date.parse(since!)));
  await assertCarries(created.tunnel_local_port);
  await eventually(async () => (await a.api.staticTunnels.get(peer.id, created.id)).connections?.active === 0, 5000, 'the connection to end');
  const counted = await a.api.staticTunnels.get(peer.id, created.id);
  assert.deepEqual([counted.connections, counted.bytes], [{active: 0, total: 1}, {sent: 256 * 1024, received: 256 * 1024}]);

  const tunnel = a.server.peers.staticTunnel(peer.id, created.id);
  const seen: StaticTunnelStatus[] = [];
  tunnel.on('status', (state) => seen.push(state.status));
  const announced: Array<[number, number, string | undefined]> = [];
  a.server.peers.on('staticTunnelStatus', (peerId, info) => announced.push([peerId, info.id, info.status]));

  // The peer goes away: the tunnel notices at once, closes its entrance and keeps trying.
  await b.server.close();
  const lost = await waitForStatus(tunnel, 'connecting');
  // Whichever notices first: the channel's close, or a health check that was under way.
  assert.ok(
    lost.lastError === `The connection to ${b.url} was lost` || /^Health check failed: /.test(lost.lastError ?? ''),
    `unexpected reason: ${lost.lastError}`,
  );
  assert.ok(await isPortClosed(created.tunnel_local_port), 'the entrance is closed while the peer is away');
  const whileAway = await a.api.peers.get(peer.id);
  assert.equal(whileAway.status, 'connecting');
  assert.equal(whileAway.static_tunnels[0]!.status, 'connecting');
  // The server stops listening first, so a health check under way may be the one to tell.
  assert.match(whileAway.static_tunnels[0]!.last_error ?? '', /ECONNREFUSED|was lost|^Health check failed: /);
  assert.equal(await a.api.server.version(), '1.0.12', 'the server goes on serving');

  // Back on the same port: online again, same entrance port, data flows.
  const back = new NetunnelServer({port: b.port});
  await back.start();
  cleanups.push(() => back.close());
  await waitForStatus(tunnel, 'online');
  assert.deepEqual(seen.slice(0, 1), ['connecting']);
  assert.equal(seen.at(-1), 'online');
  assert.deepEqual(announced, seen.map((status) => [peer.id, created.id, status]), 'the registry repeats every change');
  await assertCarries(created.tunnel_local_port);
  const again = await a.api.staticTunnels.get(peer.id, created.id);
  assert.equal(again.status, 'online');
  assert.equal(again.last_error, null);
  assert.equal(again.tunnel_local_port, created.tunnel_local_port);

  // The file holds the 1.0.12 object only.
  const saved = JSON.parse(await readFile(fixture.configPath, 'utf8')) as {peers: Array<Record<string, unknown>>};
  assert.deepEqual(saved.peers, [
    {
      id: 1,
      name: 'b',
      target_netunnel_url: b.url,
      auth_data: {},
      static_tunnels: [
        {
          id: 1,
          tunnel_local_address: '127.0.0.1',
          tunnel_local_port: created.tunnel_local_port,
          tunnel_remote_address: '127.0.0.1',
          tunnel_remote_port: service.port,
        },
      ],
    },
  ]);
});

test('static tunnels of the config start with the server without waiting for a peer that is down', async () => {
  const service = await echo();
  const peerPort = await freePort();
  const localPort = PORTS.min + 10;
  await writeFile(
    fixture.configPath,
    JSON.stringify({
      peers: [
        {
          id: 3,
          name: 'later',
          target_netunnel_url: `http://127.0.0.1:${peerPort}`,
          auth_data: {},
          static_tunnels: [
            {id: 7, tunnel_local_address: '127.0.0.1', tunnel_local_port: localPort, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: service.port},
          ],
        },
      ],
    }),
  );
  const a = await server({configPath: fixture.configPath});
  const tunnel = a.server.peers.staticTunnel(3, 7);
  assert.equal(tunnel.state.status, 'connecting');
  const failing = await within(new Promise<string>((resolve) => {
    const onStatus = () => {
      if (tunnel.state.lastError === null) return;
      tunnel.off('status', onStatus);
      resolve(tunnel.state.lastError);
    };
    tunnel.on('status', onStatus);
    onStatus();
  }), 20_000, 'the first failure of the static tunnel');
  assert.equal(failing, `Cannot reach http://127.0.0.1:${peerPort}: connect ECONNREFUSED 127.0.0.1:${peerPort}`);
  assert.ok(await isPortClosed(localPort));

  const peer = new NetunnelServer({port: peerPort});
  await peer.start();
  cleanups.push(() => peer.close());
  await waitForStatus(tunnel, 'online');
  await assertCarries(localPort);
  assert.deepEqual((await a.api.peers.list()).map((p) => [p.id, p.name, p.status]), [[3, 'later', 'online']]);

  // A new static tunnel on that peer takes the next id and the first free port of the range.
  const second = await a.api.staticTunnels.add(3, {tunnel_remote_port: service.port});
  assert.equal(second.id, 8);
  assert.notEqual(second.tunnel_local_port, localPort);
});

test('a link that silently dies is noticed by the health check, and the tunnel comes back over it', async () => {
  const service = await echo();
  const b = await server();
  const relay = await startRelay(b.port);
  cleanups.push(() => relay.close());
  const a = await server({staticTunnelTiming: {...FAST_STATIC_TUNNELS, healthCheckIntervalMs: 100, heartbeatMs: 400, requestTimeoutMs: 500}});
  const peer = await a.api.peers.add({name: 'via-relay', target_netunnel_url: `http://127.0.0.1:${relay.port}`});
  const created = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port});
  await assertCarries(created.tunnel_local_port);
  const tunnel = a.server.peers.staticTunnel(peer.id, created.id);

  relay.freeze();
  const lost = await waitForStatus(tunnel, 'connecting', 5_000);
  assert.ok(lost.lastError !== null);
  relay.thaw();
  await waitForStatus(tunnel, 'online', 5_000);
  await assertCarries(created.tunnel_local_port);
});

test('a peer that refuses our auth never stops the server; new auth_data brings its tunnels back', async () => {
  const service = await echo();
  const b = await server({auth: new HeaderAuthServer('first')});
  const a = await server({auth: new HeaderAuthServer('ours')});
  const api = new ManagementClient({serverUrl: a.url, auth: new HeaderAuthClient('ours')});
  cleanups.push(() => api.close());

  await assert.rejects(api.peers.add({name: 'b', target_netunnel_url: b.url, auth_data: {secret: 'wrong'}}), refusal(403, 'Failed to authenticate with peer `b`'));
  await assert.rejects(api.peers.add({name: 'b', target_netunnel_url: b.url, auth_data: {}}), refusal(400, 'Invalid field `auth_data`: auth_data needs a string `secret`'));
  const peer = await api.peers.add({name: 'b', target_netunnel_url: b.url, auth_data: {secret: 'first'}});
  assert.deepEqual(peer.auth_data, {secret: 'first'});
  const created = await api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port});
  const tunnel = a.server.peers.staticTunnel(peer.id, created.id);

  // The peer comes back with another secret: ours is refused, again and again, and we keep running.
  await b.server.close();
  const other = new NetunnelServer({port: b.port, auth: new HeaderAuthServer('second')});
  await other.start();
  cleanups.push(() => other.close());
  await within(new Promise<void>((resolve) => {
    const onStatus = () => {
      if (!tunnel.state.lastError?.startsWith('Failed to authenticate with the peer')) return;
      tunnel.off('status', onStatus);
      resolve();
    };
    tunnel.on('status', onStatus);
    onStatus();
  }), 20_000, 'the refusal of our auth');
  assert.equal(tunnel.state.status, 'connecting');
  assert.equal(tunnel.state.lastError, 'Failed to authenticate with the peer: Forbidden: the auth plugin refused this request');

  await assert.rejects(api.peers.update(peer.id, {auth_data: {secret: 'third'}}), refusal(403, 'Failed to authenticate with peer `b`'));
  const updated = await api.peers.update(peer.id, {auth_data: {secret: 'second'}});
  assert.deepEqual(updated.auth_data, {secret: 'second'});
  await waitForStatus(tunnel, 'online');
  await assertCarries(created.tunnel_local_port);
});

test('changing the peer URL moves its static tunnels to the new URL', async () => {
  const service = await echo();
  const b = await server();
  const c = await server();
  const a = await server({configPath: fixture.configPath});
  const peer = await a.api.peers.add({name: 'moving', target_netunnel_url: b.url});
  const created = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port});
  const tunnel = a.server.peers.staticTunnel(peer.id, created.id);
  assert.equal(b.server.channels.all().filter((channel) => channel.connected).length, 1);

  const unreachable = `http://127.0.0.1:${await freePort()}`;
  await assert.rejects(a.api.peers.update(peer.id, {target_netunnel_url: unreachable}), refusal(502, 'Failed to connect with peer `moving`'));
  assert.equal((await a.api.peers.get(peer.id)).target_netunnel_url, b.url, 'a refused change changes nothing');

  const moved = await a.api.peers.update(peer.id, {target_netunnel_url: c.url, name: 'moved'});
  assert.equal(moved.target_netunnel_url, c.url);
  assert.equal(moved.name, 'moved');
  await waitForStatus(tunnel, 'online');
  await assertCarries(created.tunnel_local_port);
  await eventually(() => c.server.channels.all().some((channel) => channel.connected && channel.tunnels.size === 1));
  await eventually(() => b.server.channels.all().length === 0);
  const saved = JSON.parse(await readFile(fixture.configPath, 'utf8')) as {peers: Array<{name: string; target_netunnel_url: string}>};
  assert.deepEqual(saved.peers.map((p) => [p.name, p.target_netunnel_url]), [['moved', c.url]]);
});

test('creating a static tunnel: port choice, refusals, and deletion', async () => {
  const service = await echo();
  const b = await server({allowedTunnelDestinations: {'127.0.0.1': String(service.port)}});
  const a = await server({configPath: fixture.configPath});
  const peer = await a.api.peers.add({name: 'b', target_netunnel_url: b.url});

  // A port of the range that something else holds is skipped.
  const squatter = await occupy(PORTS.min);
  cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
  const first = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port});
  assert.ok(first.tunnel_local_port > PORTS.min);
  const second = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port});
  assert.equal(second.id, 2);
  assert.ok(second.tunnel_local_port > first.tunnel_local_port);
  assert.deepEqual((await a.api.staticTunnels.list(peer.id)).map((t) => t.id), [1, 2]);

  // The peer refuses the exit: nothing is created.
  await assert.rejects(
    a.api.staticTunnels.add(peer.id, {tunnel_remote_port: 1}),
    refusal(400, 'Peer `b` refused the static tunnel: Port 127.0.0.1:1 is not allowed as a tunnel destination'),
  );
  // Only allowed entrances.
  await assert.rejects(
    a.api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port, tunnel_local_address: '0.0.0.0'}),
    refusal(403, 'Address 0.0.0.0 is not allowed as a tunnel entrance (allowed: 127.0.0.1)'),
  );
  assert.equal((await a.api.staticTunnels.list(peer.id)).length, 2);

  // Deleting stops it at once and frees its id and port.
  const tunnel = a.server.peers.staticTunnel(peer.id, second.id);
  await a.api.staticTunnels.remove(peer.id, second.id);
  assert.equal(tunnel.state.status, 'offline');
  assert.ok(await isPortClosed(second.tunnel_local_port));
  await assert.rejects(a.api.staticTunnels.get(peer.id, second.id), refusal(404, 'No static tunnel by id `2` on `b`'));
  await assert.rejects(a.api.staticTunnels.remove(peer.id, second.id), refusal(404, 'No static tunnel by id `2` on `b`'));
  const third = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port});
  assert.equal(third.id, 2);
  assert.equal(third.tunnel_local_port, second.tunnel_local_port);

  // A peer that is down: refused, nothing created.
  await b.server.close();
  await assert.rejects(a.api.staticTunnels.add(peer.id, {tunnel_remote_port: service.port}), refusal(502, 'Failed to connect with peer `b`'));
  const saved = JSON.parse(await readFile(fixture.configPath, 'utf8')) as {peers: Array<{static_tunnels: Array<{id: number}>}>};
  assert.deepEqual(saved.peers[0]!.static_tunnels.map((t) => t.id), [1, 2]);

  // Deleting the peer stops its tunnels.
  const remaining = a.server.peers.staticTunnel(peer.id, first.id);
  await a.api.peers.remove(peer.id);
  assert.equal(remaining.state.status, 'offline');
  assert.ok(await isPortClosed(first.tunnel_local_port));
  assert.deepEqual(await a.api.peers.list(), []);
});

async function occupy(port: number): Promise<Server> {
  const holder = createServer();
  holder.listen(port, '127.0.0.1');
  await once(holder, 'listening');
  return holder;
}

/** A static tunnel from one of our servers through another to `servicePort`; resolves with its local port. */
async function staticTunnelTo(servicePort: number): Promise<number> {
  const a = await server();
  const b = await server();
  const peer = await a.api.peers.add({name: 'b', target_netunnel_url: b.url});
  const created = await a.api.staticTunnels.add(peer.id, {tunnel_remote_port: servicePort});
  assert.equal(created.status, 'online');
  return created.tunnel_local_port;
}

test('between two of our servers a static tunnel loses nothing to half-closes: answers after EOF 100 of 100, 256 KiB echoes 200 of 200', async () => {
  const defer = (task: () => unknown) => void cleanups.push(task);
  const answering = await staticTunnelTo((await startAnswerAfterEofService(defer)).port);
  assert.equal(await answersAfterEof(defer, answering, 100), 100);
  const echoing = await staticTunnelTo((await startHalfOpenEcho(defer)).port);
  assert.equal(await wholeEchoesAfterShutdown(defer, echoing, 200, 256 * 1024), 200);
});

test('between two of our servers a static tunnel carries resets as resets, both ways', async () => {
  const defer = (task: () => unknown) => void cleanups.push(task);
  const service = await startHalfOpenService(defer);
  const port = await staticTunnelTo(service.port);
  for (const who of ['application', 'service'] as const) {
    const {app, serviceSocket} = await connectionMidStream(defer, service, port);
    const [resetting, other] = who === 'application' ? [app, serviceSocket] : [serviceSocket, app];
    const seen = endingOf(other);
    resetting.resetAndDestroy();
    assert.equal(await within(seen, 5000, `the ${who}'s reset at the other end`), 'ECONNRESET');
  }
});
