/**
 * The connections of a tunnel side, through real engine tunnels: the list of open ones with
 * their live fields, one 'opened' and one 'closed' per connection, destroy() and close().
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {Socket} from 'node:net';
import type {ConnectionRecord} from '../../source/engine/connection-record.js';
import {deferrer} from '../helpers/cleanup.js';
import {startEngineTunnel} from '../helpers/engine-tunnel.js';
import {openHalfOpen, readToEnd, startHalfOpenService} from '../helpers/half-open.js';
import {readExactly, within} from '../helpers/streams.js';
import {eventually} from '../helpers/netunnel.js';

function errorOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('end', () => resolve('a clean end'));
  });
}

for (const classic of [false, true]) {
  const kind = classic ? 'classic' : 'stream';
  test(`${kind}: an open connection is listed at both ends with its live fields; one opened and one closed event each`, async (t) => {
    const defer = deferrer(t);
    const service = await startHalfOpenService(defer);
    const tunnel = await startEngineTunnel(defer, service.port, {classic});
    const events: string[] = [];
    for (const [side, connections] of [
      ['entrance', tunnel.entrance.connections],
      ['exit', tunnel.exit.connections],
    ] as const) {
      connections.on('opened', (record) => events.push(`${side} opened ${record.id}`));
      connections.on('closed', (record) => events.push(`${side} closed ${record.id}`));
    }
    const app = await openHalfOpen(defer, tunnel.entrancePort);
    const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
    app.write('12345');
    await readExactly(serviceSocket, 5);
    serviceSocket.write('123');
    await readExactly(app, 3);
    const [atEntrance] = tunnel.entrance.connections.list();
    await eventually(() => tunnel.exit.connections.size === 1, 5000, 'the exit record');
    const [atExit] = tunnel.exit.connections.list();
    const source = {address: app.localAddress, port: app.localPort};
    for (const record of [atEntrance!, atExit!]) {
      assert.equal(record.state, 'open');
      assert.equal(record.bytesToExit, 5);
      assert.equal(record.bytesToEntrance, 3);
      assert.ok(record.lastActivityAt >= record.openedAt);
    }
    assert.deepEqual(atEntrance!.source, source);
    // A classic start marker says nothing of the application; the stream start frame does.
    assert.deepEqual(atExit!.source, classic ? undefined : source);

    if (!classic) {
      const serviceGotEof = readToEnd(serviceSocket);
      app.end();
      await within(serviceGotEof, 5000, 'EOF at the service');
      assert.deepEqual([atEntrance!.state, atEntrance!.endedDirection], ['half-closed', 'to-exit']);
      assert.deepEqual([atExit!.state, atExit!.endedDirection], ['half-closed', 'to-exit']);
      serviceSocket.end();
    } else {
      app.end();
    }
    await eventually(() => tunnel.entrance.connections.size === 0 && tunnel.exit.connections.size === 0, 5000, 'both records to close');
    assert.deepEqual(events.sort(), ['entrance closed 1', 'entrance opened 1', 'exit closed 1', 'exit opened 1']);
    for (const record of [atEntrance!, atExit!]) assert.deepEqual([record.state, record.aborted], ['closed', false]);
  });
}

test("destroy() on a record cuts both halves: the application and the service see resets", async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const tunnel = await startEngineTunnel(defer, service.port);
  const app = await openHalfOpen(defer, tunnel.entrancePort);
  const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
  app.write('x');
  await readExactly(serviceSocket, 1);
  const appSaw = errorOf(app);
  const serviceSaw = errorOf(serviceSocket);
  const closed = new Promise<ConnectionRecord>((resolve) => tunnel.entrance.connections.once('closed', resolve));
  tunnel.entrance.connections.list()[0]!.destroy();
  assert.deepEqual(await within(Promise.all([appSaw, serviceSaw]), 5000, 'both resets'), ['ECONNRESET', 'ECONNRESET']);
  assert.equal((await within(closed, 5000, 'the record to close')).aborted, true);
});

test('close(false) waits for open connections to end; close(true) cuts them', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const tunnel = await startEngineTunnel(defer, service.port);
  const apps = await Promise.all([openHalfOpen(defer, tunnel.entrancePort), openHalfOpen(defer, tunnel.entrancePort)]);
  await eventually(() => tunnel.exit.connections.size === 2, 5000, 'two connections');
  let gracefulDone = false;
  const graceful = tunnel.exit.connections.close(false).then(() => (gracefulDone = true));
  const first = await service.nextSocket();
  const second = await service.nextSocket();
  const firstEnded = readToEnd(apps[0]!);
  apps[0]!.end();
  first.once('end', () => first.end());
  await within(firstEnded, 5000, 'the first connection to end');
  await eventually(() => tunnel.exit.connections.size === 1, 5000, 'one connection left');
  assert.equal(gracefulDone, false, 'a graceful close waits for the last connection');
  const secondSaw = errorOf(apps[1]!);
  await within(tunnel.exit.connections.close(true), 5000, 'the forced close');
  assert.equal(await within(secondSaw, 5000, 'the reset'), 'ECONNRESET');
  await within(graceful, 5000, 'the graceful close');
  assert.ok(second.destroyed || (await within(errorOf(second), 5000, 'the reset at the service')) === 'ECONNRESET');
});

for (const classic of [false, true]) {
  const kind = classic ? 'classic' : 'stream';
  test(`${kind}: both ends measure how long a connection took to connect, and the tunnel keeps the samples`, async (t) => {
    const defer = deferrer(t);
    const service = await startHalfOpenService(defer);
    const tunnel = await startEngineTunnel(defer, service.port, {classic});
    const app = await openHalfOpen(defer, tunnel.entrancePort);
    const serviceSocket = await within(service.nextSocket(), 5000, 'the connection at the service');
    app.write('x');
    await readExactly(serviceSocket, 1);
    const [atEntrance] = tunnel.entrance.connections.list();
    // At a stream exit the record exists before the target's connect, which is measured when it comes.
    await eventually(() => tunnel.exit.connections.list()[0]?.connectMs !== undefined, 5000, 'the exit to measure its connect');
    const [atExit] = tunnel.exit.connections.list();
    for (const [end, record, connections] of [
      ['entrance', atEntrance!, tunnel.entrance.connections],
      ['exit', atExit!, tunnel.exit.connections],
    ] as const) {
      const ms = record.connectMs!;
      assert.ok(ms >= 0 && ms < 5000, `${end}: ${ms} ms`);
      assert.deepEqual(connections.traffic.connectTimes.percentiles(), {p50: ms, p90: ms}, end);
    }
  });
}
