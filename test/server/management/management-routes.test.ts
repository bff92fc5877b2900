import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import WebSocket from 'ws';
import {ManagementClient} from '../../../source/client/management-client.js';
import type {AuthRequest, ServerAuth} from '../../../source/auth/contract.js';
import {NoAuthClient} from '../../../source/auth/no-auth.js';
import type {TunnelInfo} from '../../../source/protocol/management.js';
import {connectClient, eventually, startServer} from '../../helpers/netunnel.js';
import {exchange, isPortClosed, randomPayload, startRecordingServer} from '../../helpers/tcp.js';
import {within} from '../../helpers/streams.js';
import {between, PINNED, pinned} from '../../helpers/pinned.js';

test('tunnel counters are exact after known transfers both ways, forward and reverse', async () => {
  const greeting = randomPayload(70_001);
  const service = await startRecordingServer(greeting);
  const {server, url} = await startServer();
  const client = await connectClient(url);
  const management = new ManagementClient({serverUrl: url});
  try {
    const forward = await client.openTunnelToServer({exitPort: service.port});
    const reverse = await client.openTunnelToClient({exitPort: service.port});
    const sentForward = randomPayload(123_457);
    const sentReverse = randomPayload(98_765);
    assert.ok((await exchange(forward.entrance.port, sentForward, greeting.length)).equals(greeting));
    assert.ok((await exchange(reverse.entrance.port, sentReverse, greeting.length)).equals(greeting));
    await eventually(() => service.received.length === 2, 5000, 'both connections to end at the service');
    await eventually(async () => (await management.tunnels.list()).every((tunnel) => tunnel.connections.active === 0), 5000, 'connections to close');
    const tunnels = await management.tunnels.list();
    const byId = (id: number) => tunnels.find((tunnel) => tunnel.id === id) as TunnelInfo;
    assert.deepEqual(byId(forward.id).bytes, {sent: sentForward.length, received: greeting.length});
    assert.deepEqual(byId(forward.id).connections, {active: 0, total: 1});
    assert.equal(byId(forward.id).direction, 'forward');
    assert.deepEqual(byId(forward.id).exit, {address: '127.0.0.1', port: service.port});
    assert.deepEqual(byId(forward.id).entrance, forward.entrance, 'our client reports its entrance');
    assert.deepEqual(byId(reverse.id).bytes, {sent: sentReverse.length, received: greeting.length});
    assert.deepEqual(byId(reverse.id).entrance, reverse.entrance);
    assert.deepEqual(byId(reverse.id).exit, {address: '127.0.0.1', port: service.port});
    assert.equal(typeof byId(reverse.id).durations_ms.p50, 'number');
    // The client's own counters agree byte for byte.
    assert.deepEqual([forward.traffic.bytesToExit, forward.traffic.bytesToEntrance], [sentForward.length, greeting.length]);
    assert.deepEqual([reverse.traffic.bytesToExit, reverse.traffic.bytesToEntrance], [sentReverse.length, greeting.length]);
  } finally {
    management.close();
    await client.close();
    await server.close();
    await service.close();
  }
});

test('server-info, channel listing and details, and disconnecting a channel', async () => {
  const service = await startRecordingServer();
  const {server, url} = await startServer();
  const client = await connectClient(url);
  const management = new ManagementClient({serverUrl: url});
  try {
    const info = await management.server.info();
    assert.equal(info?.implementation, 'netunnel-ts');
    assert.equal(info?.protocol, '1.0.12');
    assert.ok(info?.features.includes('events'));
    assert.deepEqual([...client.serverFeatures], info?.features);
    const reverse = await client.openTunnelToClient({exitPort: service.port});
    const [channel] = await management.channels.list();
    assert.equal(channel?.id, client.channelId);
    assert.equal(channel?.connected, true);
    assert.equal(channel?.client_version, '1.0.12');
    assert.equal(channel?.remote_address, '127.0.0.1');
    assert.equal(channel?.tunnel_count, 1);
    const details = await management.channels.get(client.channelId);
    assert.deepEqual(
      details.tunnels.map((tunnel) => [tunnel.id, tunnel.direction]),
      [[reverse.id, 'reverse']],
    );
    // Tearing down one tunnel of another client: that client is told and closes its entrance.
    const forward = await client.openTunnelToServer({exitPort: service.port});
    await management.tunnels.close(client.channelId, forward.id);
    await within(forward.closed, 10_000, 'forward to close');
    assert.ok(await isPortClosed(forward.entrance.port), 'the owning client closed its entrance');
    assert.deepEqual(client.tunnels.map((tunnel) => tunnel.id), [reverse.id]);
    await assert.rejects(management.tunnels.close(client.channelId, forward.id), {
      name: 'ServerRefusedError',
      status: 404,
      message: `Tunnel \`${forward.id}\` was not found on channel \`${client.channelId}\``,
    });

    const disconnected = once(client, 'disconnected');
    await management.channels.disconnect(client.channelId);
    await within(disconnected, 10_000, 'the disconnection');
    assert.ok(await isPortClosed(reverse.entrance.port), 'the entrance port is closed');
    assert.deepEqual(await management.channels.list(), []);
    await assert.rejects(management.channels.get(client.channelId), {name: 'ServerRefusedError', status: 404, message: `Channel \`${client.channelId}\` was not found`});
  } finally {
    management.close();
    await client.close();
    await server.close();
    await service.close();
  }
});

test('events: snapshot first, then the scripted sequence in order, with exact stats', async () => {
  const echo = await startRecordingServer();
  const {server, url} = await startServer({events: {statsIntervalMs: 20}});
  const management = new ManagementClient({serverUrl: url});
  const events: Array<Record<string, any>> = [];
  const opened = new Promise<void>((resolve) => {
    management.events.subscribe(
      (event) => events.push(event as Record<string, any>),
      (state) => state === 'open' && resolve(),
    );
  });
  try {
    await within(opened, 10_000, 'the stream to open');
    await eventually(() => events.length > 0, 5000, 'the snapshot');
    const client = await connectClient(url);
    const tunnel = await client.openTunnelToServer({exitPort: echo.port});
    const payload = randomPayload(40_000);
    await exchange(tunnel.entrance.port, payload, 0);
    await eventually(() => echo.received.length === 1, 5000, 'the transfer');
    await eventually(() => tunnel.traffic.activeConnections === 0 && server.channels.all()[0]!.tunnels.get(tunnel.id)!.traffic.activeConnections === 0);
    await client.closeTunnel(tunnel.id);
    await client.close();
    await eventually(() => events.some((event) => event.type === 'channel.closed'), 5000, 'channel.closed');
    // Connections have frames of their own, once per tick (connection-batch.test.ts).
    const types = events.map((event) => event.type).filter((type) => type !== 'stats' && !type.startsWith('connection.'));
    assert.deepEqual(types, ['snapshot', 'channel.opened', 'tunnel.created', 'tunnel.deleted', 'channel.closed']);
    const lastStats = events
      .slice(0, events.findIndex((event) => event.type === 'tunnel.deleted'))
      .filter((event) => event.type === 'stats')
      .flatMap((event) => event.tunnels)
      .filter((stats) => stats.id === tunnel.id)
      .at(-1);
    assert.deepEqual(pinned(lastStats, {'durations_ms.p50': between(0, 5000), 'durations_ms.p90': between(0, 5000), 'connect_ms.p50': between(0, 5000), 'connect_ms.p90': between(0, 5000)}), {
      channel_id: client.channelId,
      id: tunnel.id,
      connections: {active: 0, total: 1},
      bytes: {sent: payload.length, received: 0},
      durations_ms: {p50: PINNED, p90: PINNED},
      connect_ms: {p50: PINNED, p90: PINNED, history: lastStats.connect_ms.history},
    });
    assert.deepEqual(events[0]!.channels, []);
  } finally {
    management.close();
    await server.close();
    await echo.close();
  }
});

test('a subscriber that stops reading is dropped while the others keep receiving', async () => {
  // Thousands of tunnels on one channel fill the buffers: far above the default tunnel limit.
  const {server, url} = await startServer({events: {maxBufferedBytes: 64 * 1024}, limits: {tunnels_per_channel: 1_000_000}});
  const client = await connectClient(url);
  const management = new ManagementClient({serverUrl: url});
  const received: string[] = [];
  const goodOpen = new Promise<void>((resolve) => management.events.subscribe((event) => received.push(event.type), (state) => state === 'open' && resolve()));
  const slow = new WebSocket(`${url.replace('http', 'ws')}/events`);
  try {
    await within(once(slow, 'open'), 10_000, "slow to emit 'open'");
    await within(goodOpen, 10_000, 'the good stream to open');
    // Not reading: the socket is paused, so the kernel buffers fill and then the server's.
    slow.pause();
    await eventually(() => server.events.subscriberCount === 2, 5000, 'both subscribers');
    // Tunnels are created in-process (each one is a tunnel.created event) to fill the buffers fast.
    const channel = server.channels.get(client.channelId);
    for (let round = 0; round < 200 && server.events.subscriberCount === 2; round += 1) {
      for (let count = 0; count < 200; count += 1) channel.createForwardTunnel({exit_address: '127.0.0.1', exit_port: 9, reverse: false});
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(server.events.subscriberCount, 1, 'the slow subscriber was dropped');
    const before = received.length;
    await client.transport.request('POST', `/channels/${client.channelId}/tunnels`, {exit_address: '127.0.0.1', exit_port: 9, reverse: false});
    await eventually(() => received.length > before, 5000, 'the good subscriber to keep receiving');
    assert.equal(received.at(-1), 'tunnel.created');
  } finally {
    slow.terminate();
    management.close();
    await client.close();
    await server.close();
  }
});

class HeaderAuth implements ServerAuth {
  isAuthenticated(request: AuthRequest): boolean {
    return request.headers['x-secret'] === 's3cret';
  }
  authenticate() {
    return {status: 403, body: {error: 'no'}};
  }
  getClientForPeer() {
    return new NoAuthClient();
  }
}

/** Routes that exist only with our extensions (1.0.12 has none of them). */
const EXTENSION_ROUTES = [
  ['GET', '/server-info'],
  ['GET', '/channels/1'],
  ['DELETE', '/channels/1'],
  ['GET', '/tunnels'],
  ['GET', '/metrics'],
  ['GET', '/events'],
  ['POST', '/channels/1/tunnels/1/close'],
  ['GET', '/connections'],
  ['GET', '/connections/1'],
  ['DELETE', '/connections/1'],
  ['POST', '/channels/1/tunnels/1/drain'],
] as const;

test('every management route is refused without auth when a plugin is set', async () => {
  const {server, url} = await startServer({auth: new HeaderAuth()});
  try {
    // GET /channels is a management route too (1.0.12 has only POST).
    for (const [method, path] of [...EXTENSION_ROUTES, ['GET', '/channels'] as const]) {
      const response = await fetch(url + path, {method});
      assert.equal(response.status, 403, `${method} ${path}`);
      assert.deepEqual(await response.json(), {error: 'Forbidden: the auth plugin refused this request'});
    }
    const websocket = new WebSocket(`${url.replace('http', 'ws')}/events`);
    websocket.on('error', () => {});
    const [, response] = (await within(once(websocket, 'unexpected-response'), 10_000, "websocket to emit 'unexpected-response'")) as [unknown, {statusCode: number}];
    assert.equal(response.statusCode, 403);
    websocket.terminate();
    const allowed = await fetch(`${url}/server-info`, {headers: {'x-secret': 's3cret'}});
    assert.equal(allowed.status, 200);
  } finally {
    await server.close();
  }
});

test('/metrics is valid Prometheus text whose samples match the counters', async () => {
  const service = await startRecordingServer(Buffer.from('hello'));
  const {server, url} = await startServer();
  const client = await connectClient(url);
  const management = new ManagementClient({serverUrl: url});
  try {
    const tunnel = await client.openTunnelToServer({exitPort: service.port});
    await exchange(tunnel.entrance.port, Buffer.from('twelve bytes'), 5);
    await eventually(() => service.received.length === 1);
    await eventually(async () => (await management.tunnels.list())[0]!.connections.active === 0);
    const text = await management.server.metrics();
    const samples = new Map<string, number>();
    const declared = new Map<string, string>();
    for (const line of text.trimEnd().split('\n')) {
      const help = /^# HELP ([a-z_]+) .+$/.exec(line);
      const type = /^# TYPE ([a-z_]+) (gauge|counter)$/.exec(line);
      const sample = /^([a-z_]+)(\{(?:[a-z_]+="[^"]*",?)*\})? (\d+)$/.exec(line);
      if (help) continue;
      if (type) {
        declared.set(type[1]!, type[2]!);
        continue;
      }
      assert.ok(sample, `not a valid line: ${line}`);
      assert.ok(declared.has(sample[1]!), `${sample[1]} sampled before its TYPE line`);
      samples.set(sample[1]! + (sample[2] ?? ''), Number(sample[3]));
    }
    const labels = `channel="${client.channelId}",tunnel="${tunnel.id}",direction="forward"`;
    assert.equal(samples.get('netunnel_channels'), 1);
    assert.equal(samples.get('netunnel_tunnels{direction="forward"}'), 1);
    assert.equal(samples.get('netunnel_tunnels{direction="reverse"}'), 0);
    assert.equal(samples.get(`netunnel_tunnel_connections_total{${labels}}`), 1);
    assert.equal(samples.get(`netunnel_tunnel_connections_active{${labels}}`), 0);
    assert.equal(samples.get(`netunnel_tunnel_bytes_total{${labels},way="sent"}`), 12);
    assert.equal(samples.get(`netunnel_tunnel_bytes_total{${labels},way="received"}`), 5);
    assert.equal(declared.get('netunnel_tunnel_bytes_total'), 'counter');
  } finally {
    management.close();
    await client.close();
    await server.close();
    await service.close();
  }
});

test('--no-extensions answers like 1.0.12: 404 on every new route, no extra keys', async () => {
  const {server, url} = await startServer({extensions: false});
  try {
    for (const [method, path] of EXTENSION_ROUTES) {
      const response = await fetch(url + path, {method});
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(await response.text(), '404: Not Found');
    }
    // /channels exists in 1.0.12 for POST only: aiohttp answers 405 to a GET.
    const listing = await fetch(`${url}/channels`);
    assert.deepEqual([listing.status, await listing.text()], [405, '405: Method Not Allowed']);
    const channel = await fetch(`${url}/channels`, {method: 'POST', body: JSON.stringify({version: '1.0.12', features: ['events']})});
    assert.deepEqual(await channel.json(), {channel_id: 1, version: '1.0.12'});
    const client = await connectClient(url);
    assert.deepEqual(client.serverFeatures, []);
    const answer = await client.transport.request('POST', `/channels/${client.channelId}/tunnels`, {
      entrance_address: '127.0.0.1',
      entrance_port: null,
      reverse: true,
    });
    assert.deepEqual(Object.keys(answer as object), ['tunnel_id']);
    const management = new ManagementClient({serverUrl: url});
    assert.equal(await management.server.info(), null);
    const states: string[] = [];
    await within(new Promise<void>((resolve) =>
      management.events.subscribe(
        () => {},
        (state, detail) => {
          states.push(`${state}${detail ? `: ${detail}` : ''}`);
          if (state === 'closed') resolve();
        },
      ),
    ), 10_000, 'the event stream to give up');
    assert.deepEqual(states, ['connecting', 'closed: This server has no event stream (no management API)']);
    management.close();
    await client.close();
  } finally {
    await server.close();
  }
});

test('the event subscription reconnects with backoff and starts again from a snapshot', async () => {
  const first = await startServer();
  const port = first.server.address!.port;
  const management = new ManagementClient({serverUrl: first.url});
  const seen: string[] = [];
  let resolveSnapshots: () => void;
  const twoSnapshots = new Promise<void>((resolve) => (resolveSnapshots = resolve));
  management.events.subscribe(
    (event) => {
      seen.push(event.type);
      if (seen.filter((type) => type === 'snapshot').length === 2) resolveSnapshots();
    },
    (state) => seen.push(`state:${state}`),
    {initialDelayMs: 20, maxDelayMs: 100},
  );
  await eventually(() => seen.includes('snapshot'));
  await first.server.close();
  await eventually(() => seen.includes('state:reconnecting'));
  const second = await startServer({port});
  try {
    await within(twoSnapshots, 10_000, 'two snapshots');
    assert.deepEqual(seen.filter((entry) => entry === 'snapshot' || entry === 'state:open').slice(-2), ['state:open', 'snapshot']);
  } finally {
    management.close();
    await second.server.close();
  }
});
