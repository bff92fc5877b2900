/**
 * NetunnelClient against our server: the tunnel life cycle (open, delete from either side,
 * graceful or forced), the channel's end (close, server gone), and unreachable exits.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type {Socket} from 'node:net';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {NotConnectedError, ServerRefusedError, ServerUnreachableError} from '../../source/client/client-errors.js';
import type {AuthRequest} from '../../source/auth/contract.js';
import {NoAuthServer} from '../../source/auth/no-auth.js';
import {rawRequest} from '../helpers/raw-http.js';
import {connectClient, eventually, startServer} from '../helpers/netunnel.js';
import {startFixtureProcess} from '../helpers/processes.js';
import {readExactly, startScriptedService, within} from '../helpers/streams.js';
import {exchange, freePort, isPortClosed, openSocket, randomPayload, readUntilClosed, startEchoServer} from '../helpers/tcp.js';
import {DIRECTIONS, startPair, startTunnel, type Direction, type TunnelSetup} from '../helpers/tunnels.js';

/** Sends `size` random bytes on an open connection through an echo and checks the echo. */
async function echoes(socket: Socket, size = 10_000): Promise<void> {
  const payload = randomPayload(size);
  const answer = readExactly(socket, size);
  socket.write(payload);
  assert.ok((await answer).equals(payload), 'the connection still echoes byte for byte');
}

/** The port where the tunnel is entered, wherever it is (client for forward, server for reverse). */
function entranceOf(setup: TunnelSetup): number {
  return setup.entrancePort;
}

describe('connecting', () => {
  test('connect() creates a channel; the server version is known', async (t) => {
    const {client, server} = await startPair(t);
    assert.equal(client.channelId, 1);
    assert.equal(client.connected, true);
    assert.equal(client.serverVersion, '1.0.12');
    assert.equal(await client.api.server.version(), '1.0.12');
    assert.equal(server.channels.get(1).connected, true);
  });

  test('connect() twice is refused; close() twice is harmless', async (t) => {
    const {client, url} = await startPair(t);
    await assert.rejects(client.connect(), {code: 'NETUNNEL_ERR_ALREADY_CONNECTED', message: `Already connected to ${url}`});
    await client.close();
    await client.close();
    assert.equal(client.connected, false);
  });

  test('an unreachable server is a ServerUnreachableError naming it', async () => {
    const port = await freePort();
    const client = new NetunnelClient({serverUrl: `http://127.0.0.1:${port}`});
    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(error instanceof ServerUnreachableError);
      assert.equal(error.message, `Cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
      return true;
    });
    await client.close();
  });

  test('tunnels need a connected channel; unknown tunnels are named', async (t) => {
    const {url} = await startServer().then((started) => {
      t.after(() => started.server.close());
      return started;
    });
    const client = new NetunnelClient({serverUrl: url});
    t.after(() => client.close());
    await assert.rejects(client.openTunnelToServer({exitPort: 22}), new NotConnectedError('The client is not connected: call connect() first'));
    await client.connect();
    await assert.rejects(client.closeTunnel(9), {code: 'NETUNNEL_ERR_UNKNOWN_TUNNEL', message: 'Tunnel `9` is not open on this client'});
  });

  test('a reverse tunnel listens on the port asked for', async (t) => {
    const {client} = await startPair(t);
    const port = await freePort();
    const tunnel = await client.openTunnelToClient({exitPort: 22, entrancePort: port});
    assert.deepEqual(tunnel.entrance, {address: '127.0.0.1', port});
    assert.equal(await isPortClosed(port), false);
  });
});

describe('deleting a tunnel', () => {
  for (const direction of DIRECTIONS) {
    test(`${direction}: closeTunnel() closes the entrance and the server's half`, async (t) => {
      const echo = await startEchoServer();
      t.after(() => echo.close());
      const setup = await startTunnel(t, direction, echo.port);
      const {client, url, tunnel, server} = setup;
      const payload = randomPayload(1000);
      assert.ok((await exchange(entranceOf(setup), payload)).equals(payload));

      await client.closeTunnel(tunnel.id);
      await within(tunnel.closed, 10_000, 'tunnel to close');
      assert.equal(await isPortClosed(entranceOf(setup)), true, 'the entrance port is closed');
      assert.deepEqual(client.tunnels, []);
      assert.equal(server.channels.get(client.channelId).tunnels.size, 0);
      const again = await rawRequest(url, 'DELETE', `/channels/${client.channelId}/tunnels/${tunnel.id}`, {body: {force: false}});
      assert.equal(again.status, 404);
      assert.deepEqual(again.json, {error: `Tunnel \`${tunnel.id}\` was not found on channel \`${client.channelId}\``});
    });

    test(`${direction}: the server deleting a tunnel tells the client, which stops its half`, async (t) => {
      const echo = await startEchoServer();
      t.after(() => echo.close());
      const setup = await startTunnel(t, direction, echo.port);
      const {client, tunnel, server} = setup;
      server.channels.get(client.channelId).deleteTunnel(tunnel.id, false, true);
      await within(tunnel.closed, 10_000, 'tunnel to close');
      assert.deepEqual(client.tunnels, [], 'the client forgot the tunnel');
      assert.equal(await isPortClosed(entranceOf(setup)), true, 'the entrance port is closed');
      assert.equal(server.channels.get(client.channelId).tunnels.size, 0);
      // The channel itself lives on: a new tunnel works.
      const next = await client.openTunnelToServer({exitPort: echo.port});
      const payload = randomPayload(1000);
      assert.ok((await exchange(next.entrance.port, payload)).equals(payload));
    });
  }

  const initiators = {
    client: (setup: TunnelSetup, force: boolean) => setup.client.closeTunnel(setup.tunnel.id, {force}),
    server: async (setup: TunnelSetup, force: boolean) => {
      setup.server.channels.get(setup.client.channelId).deleteTunnel(setup.tunnel.id, force, true);
    },
  };

  for (const direction of DIRECTIONS) {
    for (const [by, remove] of Object.entries(initiators)) {
      test(`${direction}, deleted by the ${by}, force false: an open connection keeps working until it ends`, async (t) => {
        const echo = await startEchoServer();
        t.after(() => echo.close());
        const setup = await startTunnel(t, direction, echo.port);
        const app = await openSocket(entranceOf(setup));
        t.after(() => app.destroy());
        await echoes(app);

        const removal = remove(setup, false);
        await eventually(() => isPortClosed(entranceOf(setup)), 5000, 'the entrance to close');
        await echoes(app, 200_000);
        await echoes(app);
        const closedByTunnel = readUntilClosed(app);
        app.end();
        await within(closedByTunnel, 10_000, 'the tunnel to close');
        await within(removal, 10_000, 'its removal');
        await within(setup.tunnel.closed, 10_000, 'setup.tunnel to close');
        assert.deepEqual(setup.client.tunnels, []);
      });

      test(`${direction}, deleted by the ${by}, force true: an open connection is cut`, async (t) => {
        const echo = await startEchoServer();
        t.after(() => echo.close());
        const setup = await startTunnel(t, direction, echo.port);
        const app = await openSocket(entranceOf(setup));
        t.after(() => app.destroy());
        await echoes(app);

        const cut = readUntilClosed(app);
        await remove(setup, true);
        assert.equal((await cut).length, 0, 'nothing more came through');
        await within(setup.tunnel.closed, 10_000, 'setup.tunnel to close');
        assert.equal(await isPortClosed(entranceOf(setup)), true);
        await eventually(() => echo.accepted.every((socket) => socket.destroyed), 5000, 'the exit connection to close');
      });
    }
  }
});

describe('the channel ending', () => {
  async function tunnelsBothWays(client: NetunnelClient, exitPort: number) {
    const forward = await client.openTunnelToServer({exitPort});
    const reverse = await client.openTunnelToClient({exitPort});
    const apps = await Promise.all([openSocket(forward.entrance.port), openSocket(reverse.entrance.port)]);
    for (const app of apps) await echoes(app);
    return {forward, reverse, apps, ports: [forward.entrance.port, reverse.entrance.port]};
  }

  test('close() cuts the connections and closes every entrance, on both sides', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const {client, server} = await startPair(t);
    const {forward, reverse, apps, ports} = await tunnelsBothWays(client, echo.port);
    const cut = apps.map((app) => readUntilClosed(app));
    let disconnected = false;
    client.on('disconnected', () => (disconnected = true));

    await client.close();
    await within(Promise.all([forward.closed, reverse.closed, ...cut]), 10_000, 'the tunnels and their connections to close');
    assert.equal(await isPortClosed(ports[0]!), true, 'the client entrance is closed');
    await eventually(() => server.channels.all().length === 0, 5000, 'the server to drop the channel');
    assert.equal(await isPortClosed(ports[1]!), true, 'the server entrance is closed');
    assert.equal(client.connected, false);
    assert.equal(disconnected, false, 'a close() asked for is not a disconnection');
  });

  test('a server that shuts down makes the client emit disconnected and close its entrances', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const {server, url} = await startServer();
    t.after(() => server.close());
    const client = await connectClient(url);
    t.after(() => client.close());
    const {forward, reverse, apps, ports} = await tunnelsBothWays(client, echo.port);
    const cut = apps.map((app) => readUntilClosed(app));
    const disconnected = once(client, 'disconnected');

    await server.close();
    assert.deepEqual(await disconnected, [`The connection to ${url} was lost`]);
    await within(Promise.all([forward.closed, reverse.closed, ...cut]), 10_000, 'the tunnels and their connections to close');
    assert.deepEqual(client.tunnels, []);
    assert.equal(client.connected, false);
    for (const port of ports) assert.equal(await isPortClosed(port), true);
  });

  test('a killed server process makes the client emit disconnected and close its entrances', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const serverProcess = await startFixtureProcess<{port: number}>('server-process.ts');
    t.after(() => serverProcess.kill());
    const url = `http://127.0.0.1:${serverProcess.ready.port}`;
    const client = await connectClient(url);
    t.after(() => client.close());
    const forward = await client.openTunnelToServer({exitPort: echo.port});
    const app = await openSocket(forward.entrance.port);
    await echoes(app);
    const cut = readUntilClosed(app);
    const disconnected = once(client, 'disconnected');

    await serverProcess.kill();
    assert.deepEqual(await disconnected, [`The connection to ${url} was lost`]);
    await within(Promise.all([forward.closed, cut]), 10_000, 'the tunnels and their connections to close');
    assert.equal(await isPortClosed(forward.entrance.port), true);
    assert.equal(client.connected, false);
  });
});

describe('unreachable exits', () => {
  for (const direction of DIRECTIONS) {
    test(`${direction}: a refused exit closes the entering connection; the tunnel keeps working once the exit listens`, async (t) => {
      const exitPort = await freePort();
      const setup = await startTunnel(t, direction as Direction, exitPort, {server: {allowedTunnelDestinations: {'127.0.0.1': '*'}}});
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const app = await openSocket(entranceOf(setup));
        app.write('hello?');
        const got = await within(readUntilClosed(app), 10_000, 'the close of a connection to a refused exit');
        assert.equal(got.length, 0, 'the tunnel closed the connection without a byte');
      }
      // The same tunnel, now with something listening at its exit.
      const service = await startScriptedService(exitPort, (socket) => socket.pipe(socket));
      t.after(() => service.close());
      const payload = randomPayload(100_000);
      assert.ok((await exchange(entranceOf(setup), payload)).equals(payload));
    });
  }
});

describe('refused tunnels leave nothing behind', () => {
  /** Lets everything through but the tunnel websockets. */
  class NoTunnelWebsockets extends NoAuthServer {
    override isAuthenticated(request?: AuthRequest): boolean {
      return !/^\/channels\/\d+\/tunnels\/\d+\/connect$/.test(request?.path ?? '');
    }
  }

  test('a forward tunnel whose websockets the server refuses: rejected, local port closed, server half deleted', async (t) => {
    const {client, server} = await startPair(t, {server: {auth: new NoTunnelWebsockets()}});
    const localPort = await freePort();
    await assert.rejects(client.openTunnelToServer({exitPort: 22, localPort}), (error: unknown) => {
      assert.ok(error instanceof ServerRefusedError);
      assert.equal(error.status, 403);
      assert.equal(error.message, 'Forbidden: the auth plugin refused this request');
      return true;
    });
    assert.equal(await isPortClosed(localPort), true, 'the local entrance does not stay open');
    assert.deepEqual(client.tunnels, []);
    assert.equal(server.channels.get(client.channelId).tunnels.size, 0);
  });

  test('a forward tunnel whose local port is taken: rejected with the listen error, server half deleted', async (t) => {
    const {client, server} = await startPair(t);
    const taken = await startEchoServer();
    t.after(() => taken.close());
    await assert.rejects(client.openTunnelToServer({exitPort: 22, localPort: taken.port}), {
      code: 'EADDRINUSE',
      message: `listen EADDRINUSE: address already in use 127.0.0.1:${taken.port}`,
    });
    assert.deepEqual(client.tunnels, []);
    assert.equal(server.channels.get(client.channelId).tunnels.size, 0);
  });
});
