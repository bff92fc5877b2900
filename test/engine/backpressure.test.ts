/**
 * A slow reader at either end of a tunnel: the tunnel must stop reading from the writer
 * instead of buffering without bound (PROTOCOL.md 3.3, engine/pipe.ts), then deliver every
 * byte once the reader reads again.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import type {Socket} from 'node:net';
import type {NetunnelClientOptions} from '../../source/client/netunnel-client.js';
import {openSocket, randomPayload} from '../helpers/tcp.js';
import {digestOf, settledValue, sha256, startScriptedService, within, writeWithBackpressure} from '../helpers/streams.js';
import {DIRECTIONS, startTunnel, type Direction} from '../helpers/tunnels.js';
import {eventually} from '../helpers/netunnel.js';

const MiB = 1024 * 1024;
const TOTAL = 64 * MiB;
/**
 * What may sit between the writer and the paused reader: each process's high-water mark (1 MiB)
 * plus the kernel's socket buffers on the way. Those are outside our control: loopback
 * autotuning usually gives 4-11 MiB per hop here, but a receive buffer may grow up to
 * tcp_rmem's maximum (32 MiB on common Linux defaults) when the machine is busy. Without
 * backpressure the whole 64 MiB would be taken at loopback speed; the process's own buffering
 * is checked tightly in pipe.test.ts.
 */
const BOUND = 32 * MiB;
const WRITER_BOUND = 48 * MiB;

const payload = randomPayload(TOTAL);
const payloadSha = sha256(payload);

for (const direction of DIRECTIONS) {
  for (const toward of ['exit', 'entrance'] as const) {
    test(`${direction} tunnel: 64 MiB toward a paused reader at the ${toward} stays bounded, then arrives intact`, async (t) => {
      const service = await startScriptedService();
      t.after(() => service.close());
      const {entrancePort, tunnel, serverTunnel} = await startTunnel(t, direction, service.port);
      const app = await openSocket(entrancePort);
      t.after(() => app.destroy());
      const serviceSocket = await service.nextSocket();

      const [writer, reader]: [Socket, Socket] = toward === 'exit' ? [app, serviceSocket] : [serviceSocket, app];
      reader.pause();
      const sending = writeWithBackpressure(writer, payload);
      sending.done.catch(() => {});

      // Everything stops moving once the buffers on the way are full.
      const counted = () => (toward === 'exit' ? [tunnel.traffic.bytesToExit, serverTunnel.traffic.bytesToExit] : [tunnel.traffic.bytesToEntrance, serverTunnel.traffic.bytesToEntrance]);
      // Bytes first have to start flowing (a busy machine may take a while to set the pipes up).
      await eventually(() => counted()[0]! > 0 && counted()[1]! > 0, 10_000, 'bytes to reach the paused reader');
      await settledValue(() => counted()[0]! + counted()[1]! + sending.written());
      const [clientCounted, serverCounted] = counted();
      t.diagnostic(`held: client ${clientCounted}, server ${serverCounted}, writer ${sending.written()}`);
      assert.ok(sending.written() < TOTAL, 'the writer is held back');
      assert.ok(clientCounted! <= BOUND, `the client forwarded ${clientCounted} bytes to a paused reader`);
      assert.ok(serverCounted! <= BOUND, `the server forwarded ${serverCounted} bytes to a paused reader`);
      assert.ok(sending.written() <= WRITER_BOUND, `the writer got ${sending.written()} bytes accepted`);

      const received = digestOf(reader, TOTAL);
      reader.resume();
      const [digest] = await within(Promise.all([received, sending.done]), 60_000, 'every byte');
      assert.equal(digest.length, TOTAL);
      assert.equal(digest.sha256, payloadSha, 'every byte arrived, in order');
    });
  }
}

/** A service writing 16 MiB toward an application that does not read; resolves when the service's socket closes. */
async function serviceHeldBy(t: TestContext, direction: Direction, hangUp: (app: Socket) => void, client: Partial<NetunnelClientOptions> = {}): Promise<void> {
  const service = await startScriptedService();
  t.after(() => service.close());
  const {entrancePort} = await startTunnel(t, direction, service.port, {client});
  const app = await openSocket(entrancePort);
  t.after(() => app.destroy());
  app.pause();
  const serviceSocket = await service.nextSocket();
  const sending = writeWithBackpressure(serviceSocket, randomPayload(16 * MiB));
  sending.done.catch(() => {});
  await settledValue(() => sending.written());
  const released = new Promise((resolve) => serviceSocket.once('close', resolve));
  hangUp(app);
  await within(released, 10_000, "the close of the service's connection");
}

for (const direction of DIRECTIONS) {
  test(`${direction} tunnel: an application that closes its socket while not reading releases the service at once`, async (t) => {
    await serviceHeldBy(t, direction, (app) => app.destroy());
  });

  // With the stream extension an end() is a half-close: the service may still answer, so it is held.
  test(`${direction} tunnel, classic wire: an application that only ends its side while not reading releases the service at once`, async (t) => {
    await serviceHeldBy(t, direction, (app) => app.end(), {features: []});
  });
}
