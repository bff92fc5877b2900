/**
 * Bytes through whole tunnels (our client against our server), both tunnel directions:
 * large payloads byte-exact both ways, and many concurrent connections, each on its own websocket.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {randomInt} from 'node:crypto';
import type {Socket} from 'node:net';
import {exchange, openSocket, randomPayload, readUntilClosed, startEchoServer} from '../helpers/tcp.js';
import {readExactly, sha256, startScriptedService, writeWithBackpressure} from '../helpers/streams.js';
import {DIRECTIONS, startTunnel} from '../helpers/tunnels.js';
import {eventually} from '../helpers/netunnel.js';

const BIG = 4 * 1024 * 1024;

for (const direction of DIRECTIONS) {
  describe(`${direction} tunnel`, () => {
    test('echoes 4 MiB + 13 bytes byte for byte', async (t) => {
      const echo = await startEchoServer();
      t.after(() => echo.close());
      const {entrancePort, tunnel, serverTunnel} = await startTunnel(t, direction, echo.port);
      const payload = randomPayload(BIG + 13);
      const answer = await exchange(entrancePort, payload);
      assert.equal(answer.length, payload.length);
      assert.ok(answer.equals(payload), 'the echo is byte-exact');
      // Both halves counted every byte, each way.
      await eventually(() => tunnel.traffic.activeConnections === 0 && serverTunnel.traffic.activeConnections === 0);
      for (const traffic of [tunnel.traffic, serverTunnel.traffic]) {
        assert.equal(traffic.bytesToExit, payload.length);
        assert.equal(traffic.bytesToEntrance, payload.length);
        assert.equal(traffic.totalConnections, 1);
      }
    });

    test('carries different payloads both ways at the same time', async (t) => {
      const upload = randomPayload(BIG + 13);
      const download = randomPayload(BIG + 7);
      // The service sends its payload while it reads the application's, then hangs up.
      const received: Array<Promise<Buffer>> = [];
      const service = await startScriptedService(0, (socket) => {
        received.push(readExactly(socket, upload.length));
        void writeWithBackpressure(socket, download).done.catch(() => {});
      });
      t.after(() => service.close());
      const {entrancePort} = await startTunnel(t, direction, service.port);

      const app = await openSocket(entrancePort);
      t.after(() => app.destroy());
      const downloaded = readExactly(app, download.length);
      const sending = writeWithBackpressure(app, upload);
      const [got] = await Promise.all([downloaded, sending.done]);
      assert.equal(sha256(got), sha256(download), 'the download is byte-exact');
      await eventually(() => received.length === 1);
      const uploaded = await received[0]!;
      assert.equal(sha256(uploaded), sha256(upload), 'the upload is byte-exact');
    });

    test('a service that sends 4 MiB and hangs up delivers every byte before the close', async (t) => {
      const download = randomPayload(BIG + 5);
      const service = await startScriptedService(0, (socket) => socket.end(download));
      t.after(() => service.close());
      const {entrancePort} = await startTunnel(t, direction, service.port);
      const app = await openSocket(entrancePort);
      const got = await readUntilClosed(app);
      assert.equal(got.length, download.length);
      assert.ok(got.equals(download));
    });

    test('an application that sends 4 MiB and hangs up delivers every byte to the service', async (t) => {
      const upload = randomPayload(BIG + 3);
      const received: Array<Promise<Buffer>> = [];
      const service = await startScriptedService(0, (socket) => received.push(readUntilClosed(socket)));
      t.after(() => service.close());
      const {entrancePort} = await startTunnel(t, direction, service.port);
      const app = await openSocket(entrancePort);
      app.end(upload);
      await eventually(() => received.length === 1);
      const got = await received[0]!;
      assert.equal(got.length, upload.length);
      assert.ok(got.equals(upload));
    });

    test('200 concurrent connections each get their own payload back', async (t) => {
      const echo = await startEchoServer();
      t.after(() => echo.close());
      const {entrancePort, tunnel, serverTunnel} = await startTunnel(t, direction, echo.port);
      const count = 200;
      const payloads = Array.from({length: count}, () => randomPayload(randomInt(1, 32 * 1024)));
      const sockets: Socket[] = await Promise.all(payloads.map(() => openSocket(entrancePort)));
      t.after(() => sockets.forEach((socket) => socket.destroy()));
      // Every connection is open before any byte is sent: all 200 are in the tunnel at once.
      const answers = await Promise.all(
        sockets.map((socket, index) => {
          const answer = readExactly(socket, payloads[index]!.length);
          socket.write(payloads[index]!);
          return answer;
        }),
      );
      answers.forEach((answer, index) => assert.ok(answer.equals(payloads[index]!), `connection ${index} got its own payload`));
      assert.equal(echo.accepted.length, count, 'the service saw one connection per tunnelled connection');
      assert.equal(tunnel.traffic.totalConnections, count);
      assert.equal(serverTunnel.traffic.totalConnections, count);
      const total = payloads.reduce((sum, payload) => sum + payload.length, 0);
      await eventually(() => tunnel.traffic.bytesToEntrance === total && serverTunnel.traffic.bytesToEntrance === total);
      assert.equal(tunnel.traffic.bytesToExit, total);
      assert.equal(serverTunnel.traffic.bytesToExit, total);
    });
  });
}
