/**
 * The stats frame through a real server: a tunnel's durations and connect latencies move with
 * its connections (a console used to show `Durations -` because the frame never carried them),
 * each channel's heartbeat round trip, and per-connection counters for the connections that
 * moved, the busiest first within the frame's limit.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {ServerEvent} from '../../../source/protocol/server-events.js';
import {deferrer} from '../../helpers/cleanup.js';
import {subscribeEvents} from '../../helpers/event-stream.js';
import {call} from '../../helpers/http.js';
import {openHalfOpen, readToEnd, startHalfOpenService} from '../../helpers/half-open.js';
import {connectClient, eventually, startServer} from '../../helpers/netunnel.js';
import {between, ISO_TIME, PINNED, pinned, timeSince} from '../../helpers/pinned.js';
import {readExactly, within} from '../../helpers/streams.js';
import {startTunnel} from '../../helpers/tunnels.js';
import {startEngineTunnel} from '../../helpers/engine-tunnel.js';
import {silentLogger} from '../../../source/engine/logger.js';
import {ChannelRegistry} from '../../../source/server/channels/channel-registry.js';
import {ConnectionRegistry} from '../../../source/server/management/connection-registry.js';
import {StatsFrames} from '../../../source/server/management/stats-frame.js';

type Stats = Extract<ServerEvent, {type: 'stats'}>;

test('the stats frame carries durations and connect latencies as connections end, and the per-second history', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer, (socket) => socket.pipe(socket));
  const {url, client, tunnel, entrancePort} = await startTunnel(t, 'forward', service.port, {server: {events: {statsIntervalMs: 50}}});
  const events = await subscribeEvents(defer, url);
  const app = await openHalfOpen(defer, entrancePort);
  app.write('abc');
  await readExactly(app, 3);
  const ended = readToEnd(app);
  app.end();
  await within(ended, 5000, 'the end');
  const ofTunnel = (event: Stats) => event.tunnels.find((item) => item.id === tunnel.id);
  const withDurations = await events.waitFor('stats', (event) => ofTunnel(event)?.durations_ms?.p50 != null);
  const stats = ofTunnel(withDurations)!;
  const ms = between(0, 5000);
  assert.deepEqual(pinned(stats, {'durations_ms.p50': ms, 'durations_ms.p90': ms, 'connect_ms.p50': ms, 'connect_ms.p90': ms}), {
    channel_id: client.channelId,
    id: tunnel.id,
    connections: {active: 0, total: 1},
    bytes: {sent: 3, received: 3},
    durations_ms: {p50: PINNED, p90: PINNED},
    connect_ms: {p50: PINNED, p90: PINNED, history: stats.connect_ms!.history},
  });
  // One connection: p50 and p90 are its own figures.
  assert.equal(stats.durations_ms!.p50, stats.durations_ms!.p90);
  const connectMs = stats.connect_ms!.p50!;
  // Once the second of the connect is over, the history shows its median (the one connect), at the newest end.
  const withHistory = await events.waitFor('stats', (event) => ofTunnel(event)?.connect_ms?.history.some((value) => value !== null) ?? false, 5000);
  const history = ofTunnel(withHistory)!.connect_ms!.history;
  assert.equal(history.length, 30);
  assert.deepEqual(history.filter((value) => value !== null), [connectMs]);
  assert.ok(history.lastIndexOf(connectMs) >= 27, `the newest seconds: ${JSON.stringify(history)}`);
  const listed = (await call(url, 'GET', '/tunnels')).body as Array<{durations_ms: unknown; connect_ms: {p50: number}}>;
  assert.deepEqual([listed[0]!.durations_ms, listed[0]!.connect_ms.p50], [stats.durations_ms, connectMs], 'GET /tunnels agrees');
});

test('a connect history that only slides by a second is no change: the tunnel is not sent again', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer, (socket) => socket.pipe(socket));
  // The channel's heartbeat moves every 100 ms: frames keep coming, and show what else moved.
  const {url, tunnel, entrancePort} = await startTunnel(t, 'forward', service.port, {server: {heartbeatMs: 100, events: {statsIntervalMs: 50}}});
  const events = await subscribeEvents(defer, url);
  const app = await openHalfOpen(defer, entrancePort);
  app.write('abc');
  await readExactly(app, 3);
  const ofTunnel = (event: Stats) => event.tunnels.find((item) => item.id === tunnel.id);
  const withHistory = await events.waitFor('stats', (event) => ofTunnel(event)?.connect_ms?.history.some((value) => value !== null) ?? false, 5000);
  const second = (event: Stats) => Math.floor(Date.parse(event.at) / 1000);
  // Two whole seconds later, the history has slid twice; the tunnel was in none of the frames.
  const later = await events.waitFor('stats', (event) => second(event) >= second(withHistory) + 2, 10_000);
  const meanwhile = events.all('stats').filter((event) => Date.parse(event.at) > Date.parse(withHistory.at) && Date.parse(event.at) <= Date.parse(later.at));
  assert.ok(meanwhile.length >= 10, `frames kept coming (${meanwhile.length})`);
  assert.deepEqual(meanwhile.filter((event) => ofTunnel(event) !== undefined).map((event) => event.at), []);
  // A byte that moves is a change again.
  app.write('d');
  await readExactly(app, 1);
  const moved = await events.waitFor('stats', (event) => ofTunnel(event)?.bytes.sent === 4, 5000);
  assert.equal(ofTunnel(moved)!.connect_ms!.history.filter((value) => value !== null).length, 1);
});

test("each channel's heartbeat round trip, in the stats frame, GET /channels and a new subscriber's snapshot", async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer({heartbeatMs: 100, events: {statsIntervalMs: 50}});
  defer(() => server.close());
  const events = await subscribeEvents(defer, url);
  const started = Date.now();
  const client = await connectClient(url);
  defer(() => client.close());
  const frame = await events.waitFor('stats', (event) => event.channels?.some((item) => item.heartbeat.rtt_ms !== null) ?? false, 5000);
  const heartbeatPins = {'heartbeat.rtt_ms': between(0, 1000), 'heartbeat.last_pong_at': timeSince(started)};
  assert.deepEqual(pinned(frame.channels!.find((item) => item.id === client.channelId), heartbeatPins), {
    id: client.channelId,
    heartbeat: {rtt_ms: PINNED, last_pong_at: PINNED},
  });
  const [channel] = (await call(url, 'GET', '/channels')).body as Array<{heartbeat: unknown}>;
  assert.deepEqual(pinned(channel, heartbeatPins), {...(channel as object), heartbeat: {rtt_ms: PINNED, last_pong_at: PINNED}});
  const later = await subscribeEvents(defer, url);
  const snapshot = await later.waitFor('snapshot');
  assert.deepEqual(pinned(snapshot.channels[0], heartbeatPins), {...snapshot.channels[0], heartbeat: {rtt_ms: PINNED, last_pong_at: PINNED}});
});

test('per-connection counters: sent while a connection moves, once more as its rate falls to 0, then no more', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const {url, entrancePort} = await startTunnel(t, 'reverse', service.port, {server: {events: {statsIntervalMs: 50}}});
  const events = await subscribeEvents(defer, url);
  const app = await openHalfOpen(defer, entrancePort);
  const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
  // Counters are sent for connections the subscriber knows: once listed.
  const [{id}] = (await events.waitFor('connection.opened')).connections;
  const quiet = events.all('stats').flatMap((event) => event.connections ?? []);
  assert.deepEqual(quiet.map((item) => [item.id, item.bytes.sent]), quiet.length === 0 ? [] : [[id, 0]], 'nothing moved yet');
  app.write(Buffer.alloc(1000));
  await readExactly(serviceSocket, 1000);
  const entries = () => events.all('stats').flatMap((event) => event.connections?.filter((item) => item.id === id) ?? []);
  await eventually(() => entries().some((item) => item.rate.sent > 0), 5000, 'a frame with the rate');
  await eventually(() => entries().at(-1)?.rate.sent === 0, 5000, 'a frame with the rate at 0');
  const last = entries().at(-1)!;
  assert.deepEqual(pinned(last, {last_activity_at: ISO_TIME}), {
    id,
    state: 'open',
    ended: null,
    bytes: {sent: 1000, received: 0},
    rate: {sent: 0, received: 0},
    last_activity_at: PINNED,
  });
  // Frames keep coming (the tunnel's history, heartbeats…); the quiet connection is in none of them.
  const count = entries().length;
  const framesBefore = events.all('stats').length;
  serviceSocket.write('x');
  await readExactly(app, 1);
  await eventually(() => entries().length > count, 5000, 'the connection to move again');
  assert.deepEqual(entries()[count]!.bytes, {sent: 1000, received: 1});
  assert.ok(events.all('stats').length > framesBefore);
});

test('a frame lists at most its limit of connections, those that moved the most first, and counts the others', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const tunnel = await startEngineTunnel(defer, service.port);
  const connections = new ConnectionRegistry();
  defer(() => connections.close());
  connections.watch(1, 1, tunnel.entrance.connections);
  const frames = new StatsFrames(new ChannelRegistry(silentLogger), undefined, connections, 1);
  const apps = [await openHalfOpen(defer, tunnel.entrancePort), await openHalfOpen(defer, tunnel.entrancePort)];
  const services = [await service.nextSocket(), await service.nextSocket()];
  assert.deepEqual(frames.next()?.connections?.length, 1, 'two new connections, one listed');
  assert.deepEqual(frames.next()?.connections?.length, 1, 'then the other');
  assert.equal(frames.next(), undefined, 'then nothing moved');
  apps[0]!.write(Buffer.alloc(10));
  apps[1]!.write(Buffer.alloc(50_000));
  await Promise.all([readExactly(services[0]!, 10), readExactly(services[1]!, 50_000)]);
  const sent = (frame: Stats | undefined) => [frame?.connections?.map((item) => item.bytes.sent), frame?.connections_omitted];
  assert.deepEqual(sent(frames.next()), [[50_000], 1], 'the busier one first, the other counted');
  assert.deepEqual(sent(frames.next()), [[10], 0], 'the other at the next frame');
  assert.equal(frames.next(), undefined);
});
