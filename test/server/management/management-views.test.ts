/**
 * GET /channels and GET /tunnels as whole documents: a channel with its heartbeat (null until
 * the first pong), a tunnel with its state and connect latencies (null and an empty history
 * before its first connection).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {call} from '../../helpers/http.js';
import {openHalfOpen, startHalfOpenService} from '../../helpers/half-open.js';
import {eventually} from '../../helpers/netunnel.js';
import {between, PINNED, pinned, timeSince} from '../../helpers/pinned.js';
import {within} from '../../helpers/streams.js';
import {startTunnel} from '../../helpers/tunnels.js';

const NO_HISTORY = new Array(30).fill(null);

test('GET /channels and GET /tunnels: every key, the new ones included', async (t) => {
  const started = Date.now();
  const {url, client, tunnel, entrancePort, defer} = await startTunnel(t, 'reverse', 0);
  const since = timeSince(started);
  const channels = await call(url, 'GET', '/channels');
  assert.deepEqual(pinned(channels.body, {'0.created_at': since, '0.connected_at': since, '0.last_seen': since}), [
    {
      id: client.channelId,
      client_version: '1.0.12',
      client_features: [...client.serverFeatures],
      remote_address: '127.0.0.1',
      connected: true,
      created_at: PINNED,
      connected_at: PINNED,
      last_seen: PINNED,
      tunnel_count: 1,
      heartbeat: {rtt_ms: null, last_pong_at: null},
    },
  ]);
  const fresh = {
    channel_id: client.channelId,
    id: tunnel.id,
    direction: 'reverse',
    entrance: {address: '127.0.0.1', port: entrancePort},
    exit: {address: '127.0.0.1', port: 0},
    connections: {active: 0, total: 0},
    bytes: {sent: 0, received: 0},
    durations_ms: {p50: null, p90: null},
    created_at: PINNED,
    state: 'open',
    connect_ms: {p50: null, p90: null, history: NO_HISTORY},
  };
  assert.deepEqual(pinned((await call(url, 'GET', '/tunnels')).body, {'0.created_at': since}), [fresh]);

  // After a connection: the entrance's wait for a websocket is its connect time.
  const service = await startHalfOpenService(defer);
  const other = await client.openTunnelToClient({exitPort: service.port});
  await openHalfOpen(defer, other.entrance.port);
  await within(service.nextSocket(), 5000, 'the connection at the service');
  await eventually(async () => ((await call(url, 'GET', '/tunnels')).body as Array<{connections: {active: number}}>)[1]!.connections.active === 1);
  const [, listed] = (await call(url, 'GET', '/tunnels')).body as unknown[];
  const ms = between(0, 5000);
  // The history shows the connect once its second is over: null, or that one figure.
  const history = (value: unknown) => Array.isArray(value) && value.length === 30 && value.every((item) => item === null || typeof item === 'number');
  assert.deepEqual(pinned(listed, {created_at: since, 'connect_ms.p50': ms, 'connect_ms.p90': ms, 'connect_ms.history': history}), {
    ...fresh,
    id: other.id,
    entrance: other.entrance,
    exit: {address: '127.0.0.1', port: service.port},
    connections: {active: 1, total: 1},
    connect_ms: {p50: PINNED, p90: PINNED, history: PINNED},
  });
  const details = (await call(url, 'GET', `/channels/${client.channelId}`)).body as {tunnels: Array<{state: string}>};
  assert.deepEqual(details.tunnels.map((item) => item.state), ['open', 'open']);
});
