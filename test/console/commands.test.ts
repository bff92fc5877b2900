/** The console's command layer against real servers: ours, and ours without extensions (1.0.12-like). */
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import * as commands from '../../source/console/commands.js';
import {InvalidInputError, UnsupportedByServerError} from '../../source/console/errors.js';
import {ServerRefusedError} from '../../source/client/client-errors.js';
import type {NetunnelServer} from '../../source/server/netunnel-server.js';
import {connectClient, eventually, startServer} from '../helpers/netunnel.js';
import {exchange, isPortClosed, randomPayload, startEchoServer, type TcpService} from '../helpers/tcp.js';
import {consoleHandleOn} from '../helpers/suite-servers.js';

describe('console commands against our server', () => {
  let server: NetunnelServer;
  let url: string;
  let echo: TcpService;

  before(async () => {
    ({server, url} = await startServer());
    echo = await startEchoServer();
  });
  after(async () => {
    await server.close();
    await echo.close();
  });

  it('opens a forward tunnel, carries bytes exactly, and closes it', async () => {
    const handle = consoleHandleOn(url);
    try {
      const opened = await commands.openForwardTunnel(handle, {exitPort: echo.port});
      assert.equal(opened.direction, 'forward');
      assert.equal(opened.entrance.address, '127.0.0.1');
      assert.deepEqual(opened.exit, {address: '127.0.0.1', port: echo.port});
      assert.equal(handle.ownChannelId, opened.channelId);
      const payload = randomPayload(100_000);
      assert.deepEqual(await exchange(opened.entrance.port, payload), payload);
      const listed = await commands.listTunnels(handle);
      const mine = listed.find((tunnel) => tunnel.channel_id === opened.channelId && tunnel.id === opened.tunnelId);
      assert.ok(mine);
      assert.equal(mine.bytes.sent, 100_000);
      assert.deepEqual(await commands.closeTunnel(handle, {channelId: opened.channelId, tunnelId: opened.tunnelId}), {own: true});
      assert.equal(await isPortClosed(opened.entrance.port), true);
      assert.equal(handle.ownTunnels.length, 0);
      assert.deepEqual(
        (await commands.listTunnels(handle)).filter((tunnel) => tunnel.channel_id === opened.channelId),
        [],
      );
    } finally {
      await handle.close();
    }
  });

  it('opens a reverse tunnel whose entrance is on the server', async () => {
    const handle = consoleHandleOn(url);
    try {
      const opened = await commands.openReverseTunnel(handle, {exitPort: echo.port});
      assert.equal(opened.direction, 'reverse');
      assert.ok(opened.entrance.port > 0);
      const payload = randomPayload(5000);
      assert.deepEqual(await exchange(opened.entrance.port, payload), payload);
      await commands.closeTunnel(handle, {channelId: opened.channelId, tunnelId: opened.tunnelId});
      await eventually(() => isPortClosed(opened.entrance.port), 5000, 'the reverse entrance to close');
    } finally {
      await handle.close();
    }
  });

  it("tears down another client's tunnel and disconnects another client's channel", async () => {
    const handle = consoleHandleOn(url);
    const other = await connectClient(url);
    try {
      // The server stops its half and tells the owning client: both halves stop.
      const reverse = await other.openTunnelToClient({exitPort: echo.port});
      assert.deepEqual(await commands.closeTunnel(handle, {channelId: other.channelId, tunnelId: reverse.id}), {own: false});
      assert.equal(await isPortClosed(reverse.entrance.port), true);
      await reverse.closed;
      const forward = await other.openTunnelToServer({exitPort: echo.port});
      await commands.closeTunnel(handle, {channelId: other.channelId, tunnelId: forward.id});
      assert.equal((await commands.listTunnels(handle)).some((tunnel) => tunnel.channel_id === other.channelId && tunnel.id === forward.id), false);
      await forward.closed;
      assert.equal(await isPortClosed(forward.entrance.port), true, "the owning client closed its entrance");
      assert.deepEqual(other.tunnels, []);

      const second = await other.openTunnelToServer({exitPort: echo.port});
      const lost = new Promise<string>((resolve) => other.once('disconnected', resolve));
      await commands.disconnectChannel(handle, other.channelId);
      assert.equal(await lost, `The connection to ${url} was lost`);
      await second.closed;
      assert.equal(await isPortClosed(second.entrance.port), true);
    } finally {
      await other.close();
      await handle.close();
    }
  });

  it('closing the handle closes its own tunnels on the server too', async () => {
    const handle = consoleHandleOn(url);
    const opened = await commands.openForwardTunnel(handle, {exitPort: echo.port});
    await handle.close();
    assert.equal(await isPortClosed(opened.entrance.port), true);
    await eventually(() => server.channels.all().every((channel) => channel.id !== opened.channelId || channel.tunnels.size === 0), 5000, 'the server to drop the tunnel');
  });

  it('checks its input before calling the server', async () => {
    const handle = consoleHandleOn(url);
    try {
      await assert.rejects(commands.openForwardTunnel(handle, {exitPort: 0}), (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.equal(error.code, 'NETUNNEL_ERR_INVALID_INPUT');
        assert.equal(error.field, 'exit port');
        assert.equal(error.message, 'exit port must be a number from 1 to 65535');
        return true;
      });
      await assert.rejects(commands.openReverseTunnel(handle, {exitPort: 22, entranceAddress: 'localhost'}), {
        message: 'entrance address must be an IPv4 address, like 127.0.0.1',
      });
      await assert.rejects(commands.closeTunnel(handle, {channelId: 0, tunnelId: 1}), {message: 'channel id must be a positive integer'});
      assert.equal(handle.ownChannelId, undefined, 'no channel was opened for refused input');
    } finally {
      await handle.close();
    }
  });

  it("passes the server's refusal on verbatim", async () => {
    const strict = await startServer({allowedTunnelDestinations: {'127.0.0.1': '22'}});
    const handle = consoleHandleOn(strict.url);
    try {
      await assert.rejects(commands.openForwardTunnel(handle, {exitPort: echo.port}), (error: unknown) => {
        assert.ok(error instanceof ServerRefusedError);
        assert.equal(error.message, `Port 127.0.0.1:${echo.port} is not allowed as a tunnel destination`);
        return true;
      });
    } finally {
      await handle.close();
      await strict.server.close();
    }
  });

  it('reports the status of the server', async () => {
    const handle = consoleHandleOn(url);
    try {
      const status = await commands.getStatus(handle);
      assert.equal(status.url, url);
      assert.equal(status.info?.implementation, 'netunnel-ts');
      assert.ok(status.roundTripMs >= 0);
      assert.equal(typeof status.version, 'string');
    } finally {
      await handle.close();
    }
  });
});

describe('console commands against a server without the management API', () => {
  it('says what it cannot do, and still opens tunnels', async () => {
    const {server, url} = await startServer({extensions: false});
    const echo = await startEchoServer();
    const handle = consoleHandleOn(url);
    try {
      assert.equal(await handle.serverInfo(), null);
      const expected = `${url} cannot list channels: it has no management API (a NETunnel 1.0.12 server, or netunnel-server --no-extensions)`;
      await assert.rejects(commands.listChannels(handle), (error: unknown) => error instanceof UnsupportedByServerError && error.message === expected);
      await assert.rejects(commands.disconnectChannel(handle, 1), {code: 'NETUNNEL_ERR_UNSUPPORTED'});
      await assert.rejects(commands.listTunnels(handle), {code: 'NETUNNEL_ERR_UNSUPPORTED'});
      const opened = await commands.openForwardTunnel(handle, {exitPort: echo.port});
      const payload = randomPayload(3000);
      assert.deepEqual(await exchange(opened.entrance.port, payload), payload);
      await commands.closeTunnel(handle, {channelId: opened.channelId, tunnelId: opened.tunnelId});
      assert.equal(await isPortClosed(opened.entrance.port), true);
    } finally {
      await handle.close();
      await server.close();
      await echo.close();
    }
  });
});
