/**
 * The server's registry of open connections, over real engine tunnels: server-wide ids, the
 * filters, the 404 of a connection that is gone, rates from the records' counters, and the
 * source a stream exit learns from the start frame (what a forward tunnel of our client reports
 * once the server speaks the stream extension).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ConnectionRegistry} from '../../../source/server/management/connection-registry.js';
import {connectionInfo} from '../../../source/server/management/connection-views.js';
import {deferrer} from '../../helpers/cleanup.js';
import {startEngineTunnel} from '../../helpers/engine-tunnel.js';
import {openHalfOpen, startHalfOpenService} from '../../helpers/half-open.js';
import {eventually} from '../../helpers/netunnel.js';
import {readExactly, within} from '../../helpers/streams.js';
import {statusOf} from '../../../source/server/http/error-status.js';
import {ServerError} from '../../../source/server/server-errors.js';

test("at a stream exit a connection's source is the application's address, from the start frame", async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const tunnel = await startEngineTunnel(defer, service.port);
  const registry = new ConnectionRegistry();
  defer(() => registry.close());
  registry.watch(5, 6, tunnel.exit.connections);
  const app = await openHalfOpen(defer, tunnel.entrancePort);
  await within(service.nextSocket(), 5000, 'the connection at the service');
  await eventually(() => registry.size === 1, 5000, 'the exit record');
  const [listed] = registry.list();
  assert.deepEqual(connectionInfo(listed!).source, {address: '127.0.0.1', port: app.localPort});
  assert.deepEqual([listed!.channelId, listed!.tunnelId], [5, 6]);
});

test('ids count up across tunnels and are never reused; filters; a connection that is gone is a 404', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const tunnels = [await startEngineTunnel(defer, service.port), await startEngineTunnel(defer, service.port, {classic: true})];
  const registry = new ConnectionRegistry();
  defer(() => registry.close());
  registry.watch(1, 1, tunnels[0]!.entrance.connections);
  registry.watch(1, 2, tunnels[1]!.entrance.connections);
  const first = await openHalfOpen(defer, tunnels[0]!.entrancePort);
  await eventually(() => registry.size === 1, 5000, 'one');
  await openHalfOpen(defer, tunnels[1]!.entrancePort);
  await eventually(() => registry.size === 2, 5000, 'two');
  assert.deepEqual(registry.list().map((tracked) => [tracked.id, tracked.tunnelId]), [[1, 1], [2, 2]]);
  assert.deepEqual(registry.list({channelId: 1, tunnelId: 2}).map((tracked) => tracked.id), [2]);
  assert.deepEqual(registry.list({channelId: 2}), []);
  const closed = new Promise<number>((resolve) => registry.once('closed', (tracked) => resolve(tracked.id)));
  first.resetAndDestroy();
  assert.equal(await within(closed, 5000, 'the closed event'), 1);
  assert.throws(() => registry.get(1), (error: unknown) => error instanceof ServerError && statusOf(error) === 404 && error.message === 'Connection `1` was not found');
  await openHalfOpen(defer, tunnels[0]!.entrancePort);
  await eventually(() => registry.size === 2, 5000, 'a third');
  assert.deepEqual(registry.list().map((tracked) => tracked.id), [2, 3], 'a new id, not a reused one');
  assert.equal(registry.get(3).tunnelId, 1);
});

test('rates are the bytes each way since the previous sample, per second; the sampling tick runs while connections are open', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const tunnel = await startEngineTunnel(defer, service.port);
  const manual = new ConnectionRegistry(3_600_000);
  const ticking = new ConnectionRegistry(20);
  defer(() => manual.close());
  defer(() => ticking.close());
  manual.watch(1, 1, tunnel.entrance.connections);
  ticking.watch(1, 1, tunnel.entrance.connections);
  const app = await openHalfOpen(defer, tunnel.entrancePort);
  const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
  const start = Date.now();
  manual.sample(start);
  app.write(Buffer.alloc(1000));
  await readExactly(serviceSocket, 1000);
  serviceSocket.write(Buffer.alloc(300));
  await readExactly(app, 300);
  manual.sample(start + 500);
  const [tracked] = manual.list();
  assert.deepEqual([tracked!.rateSent, tracked!.rateReceived], [2000, 600]);
  manual.sample(start + 1500);
  assert.deepEqual([tracked!.rateSent, tracked!.rateReceived], [0, 0], 'nothing moved since');
  const [live] = ticking.list();
  await eventually(() => live!.rateSent === 0 && live!.sampledSent === 1000, 5000, 'the tick to sample the bytes and then the quiet');
});
