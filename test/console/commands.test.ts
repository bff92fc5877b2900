/** The console's command layer against real servers: ours, and ours without extensions (1.0.12-like). */
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import * as commands from '../../source/console/commands.js';
import {InvalidInputError, NotFoundError, UnsupportedByServerError} from '../../source/console/errors.js';
import {ServerHandle} from '../../source/console/server-handle.js';
import {ServerRefusedError} from '../../source/client/client-errors.js';
import type {NetunnelServer} from '../../source/server/netunnel-server.js';
import {FAST_STATIC_TUNNELS, connectClient, eventually, startServer} from '../helpers/netunnel.js';
import {exchange, isPortClosed, randomPayload, startEchoServer, type TcpService} from '../helpers/tcp.js';
import {FakeConsoleApi} from '../helpers/fake-console-api.js';
import {consoleHandleOn} from '../helpers/suite-servers.js';

/** Static tunnel ports of this file (each test file has its own range). */
const STATIC_PORTS = {min: 20600, max: 20700};

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
      await assert.rejects(commands.addPeer(handle, {name: ' ', url: 'http://x:1'}), {message: 'name required'});
      await assert.rejects(commands.addPeer(handle, {name: 'a', url: 'ftp://x'}), {message: 'url must start with http:// or https://'});
      await assert.rejects(commands.addPeer(handle, {name: 'a', url: 'http://x:1', authData: '[1]'}), {message: 'auth data must be a JSON object'});
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

describe('peer, static tunnel, proxy and reset commands against our server', () => {
  it('add, rename and remove peers and static tunnels, set and clear the proxy, reset', async () => {
    const first = await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: STATIC_PORTS});
    const second = await startServer();
    const echo = await startEchoServer();
    const handle = consoleHandleOn(first.url);
    let changes = 0;
    handle.on('changed', () => (changes += 1));
    try {
      const peer = await commands.addPeer(handle, {name: ' second ', url: second.url, authData: '{}'});
      assert.equal(peer.name, 'second');
      assert.equal(peer.target_netunnel_url, second.url);
      assert.deepEqual(peer.static_tunnels, []);
      await assert.rejects(commands.addPeer(handle, {name: 'second', url: second.url}), (error: unknown) => {
        assert.ok(error instanceof ServerRefusedError);
        assert.equal(error.status, 400);
        assert.equal(error.message, 'Peer `second` already exists');
        return true;
      });

      const created = await commands.addStaticTunnel(handle, peer.id, {remotePort: echo.port, remoteAddress: '127.0.0.1', localAddress: ''});
      assert.ok(created.tunnel_local_port >= STATIC_PORTS.min && created.tunnel_local_port < STATIC_PORTS.max);
      assert.equal(created.tunnel_remote_port, echo.port);
      await eventually(async () => (await commands.listStaticTunnels(handle, peer.id))[0]?.status === 'online', 10_000, 'the static tunnel to be online');
      const payload = randomPayload(4096);
      assert.deepEqual(await exchange(created.tunnel_local_port, payload), payload);

      assert.equal((await commands.renamePeer(handle, peer.id, 'renamed')).name, 'renamed');
      assert.equal((await commands.findPeer(handle, 'renamed')).id, peer.id);
      assert.equal((await commands.findPeer(handle, String(peer.id))).name, 'renamed');
      await assert.rejects(commands.findPeer(handle, 'second'), (error: unknown) => error instanceof NotFoundError && error.message === `No peer called "second" on ${first.url}`);

      await commands.removeStaticTunnel(handle, peer.id, created.id);
      await eventually(() => isPortClosed(created.tunnel_local_port), 5000, 'the static tunnel port to close');

      const set = await commands.setProxy(handle, {url: 'http://127.0.0.1:3128', username: 'user', password: 'secret', check: false});
      assert.deepEqual(set, {proxy_url: 'http://127.0.0.1:3128', username: '******', password: '******'});
      assert.deepEqual(await commands.getProxy(handle), set);
      assert.deepEqual(await commands.clearProxy(handle), {});

      await commands.addStaticTunnel(handle, peer.id, {remotePort: echo.port});
      await commands.factoryReset(handle, {disconnectClients: false});
      assert.deepEqual(await commands.listPeers(handle), []);
      await commands.addPeer(handle, {name: 'again', url: second.url});
      await commands.removePeer(handle, (await commands.findPeer(handle, 'again')).id);
      assert.deepEqual(await commands.listPeers(handle), []);
      assert.equal(changes, 10, "every change announced once");
    } finally {
      await handle.close();
      await first.server.close();
      await second.server.close();
      await echo.close();
    }
  });

  it('check their input before calling the server', async () => {
    const api = new FakeConsoleApi();
    const handle = new ServerHandle({name: 'fake', url: api.serverUrl}, {api});
    await assert.rejects(commands.setProxy(handle, {url: 'http://proxy:3128', username: 'u'}), {message: 'username and password go together'});
    await assert.rejects(commands.setProxy(handle, {url: 'proxy:3128'}), {message: 'proxy url must start with http:// or https://'});
    await assert.rejects(commands.addStaticTunnel(handle, 1, {remotePort: 70000}), {message: 'remote port must be a number from 1 to 65535'});
    await assert.rejects(commands.addStaticTunnel(handle, 1, {remotePort: 22, remoteAddress: '::1'}), {message: 'remote address must be an IPv4 address, like 127.0.0.1'});
    await assert.rejects(commands.renamePeer(handle, 1, ''), {message: 'name required'});
    await assert.rejects(commands.removePeer(handle, -1), {message: 'peer id must be a positive integer'});
    assert.deepEqual(api.calls, []);
    await handle.close();
  });
});
