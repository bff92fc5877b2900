/**
 * Refusal events on the stream, from a real server: authentication refused (a REST route, a
 * websocket upgrade, POST /authenticate with a wrong secret) with the remote address and the
 * route; limits reached (a body too large, a channel whose control websocket never came, a
 * tunnel over its connections: every refusal the limits count).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import WebSocket from 'ws';
import {SecretServerAuth} from '../../../source/auth/secret-auth.js';
import type {RefusalEvent} from '../../../source/protocol/connections.js';
import {LimitRefusals} from '../../../source/server/limits/limit-refusals.js';
import {RefusalEvents} from '../../../source/server/management/refusal-events.js';
import {deferrer} from '../../helpers/cleanup.js';
import {subscribeEvents} from '../../helpers/event-stream.js';
import {call} from '../../helpers/http.js';
import {openHalfOpen, startHalfOpenService} from '../../helpers/half-open.js';
import {connectClient, startServer} from '../../helpers/netunnel.js';
import {PINNED, pinned, timeSince} from '../../helpers/pinned.js';
import {within} from '../../helpers/streams.js';

test('refused authentication, on a route, an upgrade and POST /authenticate, with the remote address and the route', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer({auth: new SecretServerAuth({secret: 's3cret'})});
  defer(() => server.close());
  const {body} = await call(url, 'POST', '/authenticate', {secret: 's3cret'});
  const {token} = body as {token: string};
  const events = await subscribeEvents(defer, url, {authorization: `Bearer ${token}`});
  await events.waitFor('snapshot');
  const started = Date.now();
  assert.equal((await call(url, 'GET', '/tunnels?verbose=1')).status, 403);
  const refusedUpgrade = new WebSocket(`${url.replace(/^http/, 'ws')}/events`);
  refusedUpgrade.on('error', () => {});
  defer(() => refusedUpgrade.terminate());
  await within(once(refusedUpgrade, 'unexpected-response'), 5000, 'the refused upgrade');
  assert.equal((await call(url, 'POST', '/authenticate', {secret: 'guess'})).status, 403);
  const refused = await Promise.all([
    events.waitFor('auth.refused', (event) => event.path === '/tunnels'),
    events.waitFor('auth.refused', (event) => event.path === '/events'),
    events.waitFor('auth.refused', (event) => event.path === '/authenticate'),
  ]);
  assert.deepEqual(
    refused.map((event) => pinned(event, {at: timeSince(started)})),
    [
      {type: 'auth.refused', at: PINNED, remote_address: '127.0.0.1', method: 'GET', path: '/tunnels'},
      {type: 'auth.refused', at: PINNED, remote_address: '127.0.0.1', method: 'GET', path: '/events'},
      {type: 'auth.refused', at: PINNED, remote_address: '127.0.0.1', method: 'POST', path: '/authenticate'},
    ],
  );
  assert.equal(events.all('auth.refused').length, 3, 'the right secret and the subscriber itself were not refusals');
});

test('a body over the limit is a limit.reached event', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer();
  defer(() => server.close());
  const events = await subscribeEvents(defer, url);
  const answer = await call(url, 'POST', '/peers', JSON.stringify({name: 'x'.repeat(2 * 1024 * 1024)}));
  assert.deepEqual(answer, {status: 413, body: {error: 'Request body larger than 1048576 bytes'}});
  const event = await events.waitFor('limit.reached');
  assert.deepEqual(pinned(event, {at: timeSince(Date.now() - 10_000)}), {
    type: 'limit.reached',
    at: PINNED,
    limit: 'body_bytes',
    remote_address: '127.0.0.1',
    error: 'Request body larger than 1048576 bytes',
  });
});

test('a channel closed because its control websocket never came, a tunnel over its connections: limit.reached events', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer({limits: {unconnected_channel_timeout_ms: 50, connections_per_tunnel: 1}});
  defer(() => server.close());
  const events = await subscribeEvents(defer, url);
  const started = Date.now();
  const {body} = await call(url, 'POST', '/channels', {version: '1.0.12'});
  const {channel_id: channelId} = body as {channel_id: number};
  const expired = await events.waitFor('limit.reached', (event) => event.limit === 'unconnected_channel_timeout_ms');
  assert.deepEqual(pinned(expired, {at: timeSince(started)}), {
    type: 'limit.reached',
    at: PINNED,
    limit: 'unconnected_channel_timeout_ms',
    remote_address: '127.0.0.1',
    error: `Channel \`${channelId}\` was closed: its control websocket did not come within 50 ms`,
  });

  const service = await startHalfOpenService(defer);
  const client = await connectClient(url);
  defer(() => client.close());
  const tunnel = await client.openTunnelToClient({exitPort: service.port});
  await openHalfOpen(defer, tunnel.entrance.port);
  await within(service.nextSocket(), 5000, 'the first connection at the service');
  const second = await openHalfOpen(defer, tunnel.entrance.port);
  const refused = await events.waitFor('limit.reached', (event) => event.limit === 'connections_per_tunnel');
  assert.deepEqual(pinned(refused, {at: timeSince(started)}), {
    type: 'limit.reached',
    at: PINNED,
    limit: 'connections_per_tunnel',
    remote_address: '127.0.0.1',
    error: `Tunnel \`${tunnel.id}\` of channel \`${client.channelId}\` carries its limit of 1 connections: a connection to its entrance was closed`,
  });
  assert.ok(second.localPort! > 0);
  assert.equal(server.refusals.get('connections_per_tunnel'), 1, 'counted for /metrics as before');
});

test('every refusal the limits count is reported, with what its refusal point knew, or the limit alone', () => {
  const limits = new LimitRefusals();
  const refusals = new RefusalEvents();
  refusals.watchLimits(limits);
  const reported: RefusalEvent[] = [];
  refusals.on('refused', (event) => reported.push(event));
  limits.count('header_bytes', {remoteAddress: '10.0.0.7', message: 'Request line and headers larger than 16384 bytes'});
  limits.count('connections');
  assert.deepEqual(
    reported.map((event) => pinned(event, {at: timeSince(Date.now() - 10_000)})),
    [
      {type: 'limit.reached', at: PINNED, limit: 'header_bytes', remote_address: '10.0.0.7', error: 'Request line and headers larger than 16384 bytes'},
      {type: 'limit.reached', at: PINNED, limit: 'connections', remote_address: null, error: 'The limit `connections` was reached'},
    ],
  );
  assert.deepEqual([limits.get('header_bytes'), limits.get('connections')], [1, 1]);
});
