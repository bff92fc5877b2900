/** The console's commands on a server's configuration (peers, static tunnels, proxy, reset) against a real server. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import * as commands from '../../source/console/commands.js';
import * as configuration from '../../source/console/configuration-commands.js';
import {NotFoundError} from '../../source/console/errors.js';
import {ServerHandle} from '../../source/console/server-handle.js';
import {ServerRefusedError} from '../../source/client/client-errors.js';
import {FAST_STATIC_TUNNELS, eventually, startServer} from '../helpers/netunnel.js';
import {exchange, isPortClosed, randomPayload, startEchoServer} from '../helpers/tcp.js';
import {FakeConsoleApi} from '../helpers/fake-console-api.js';
import {consoleHandleOn} from '../helpers/suite-servers.js';

/** Static tunnel ports of this file (each test file has its own range). */
const STATIC_PORTS = {min: 20600, max: 20700};

describe('peer, static tunnel, proxy and reset commands against our server', () => {
  it('add, rename and remove peers and static tunnels, set and clear the proxy, reset', async () => {
    const first = await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: STATIC_PORTS});
    const second = await startServer();
    const echo = await startEchoServer();
    const handle = consoleHandleOn(first.url);
    let changes = 0;
    handle.on('changed', () => (changes += 1));
    try {
      const peer = await configuration.addPeer(handle, {name: ' second ', url: second.url, authData: '{}'});
      assert.equal(peer.name, 'second');
      assert.equal(peer.target_netunnel_url, second.url);
      assert.deepEqual(peer.static_tunnels, []);
      await assert.rejects(configuration.addPeer(handle, {name: 'second', url: second.url}), (error: unknown) => {
        assert.ok(error instanceof ServerRefusedError);
        assert.equal(error.status, 400);
        assert.equal(error.message, 'Peer `second` already exists');
        return true;
      });

      const created = await configuration.addStaticTunnel(handle, peer.id, {remotePort: echo.port, remoteAddress: '127.0.0.1', localAddress: ''});
      assert.ok(created.tunnel_local_port >= STATIC_PORTS.min && created.tunnel_local_port < STATIC_PORTS.max);
      assert.equal(created.tunnel_remote_port, echo.port);
      await eventually(async () => (await commands.listStaticTunnels(handle, peer.id))[0]?.status === 'online', 10_000, 'the static tunnel to be online');
      const payload = randomPayload(4096);
      assert.deepEqual(await exchange(created.tunnel_local_port, payload), payload);

      assert.equal((await configuration.renamePeer(handle, peer.id, 'renamed')).name, 'renamed');
      assert.equal((await commands.findPeer(handle, 'renamed')).id, peer.id);
      assert.equal((await commands.findPeer(handle, String(peer.id))).name, 'renamed');
      await assert.rejects(commands.findPeer(handle, 'second'), (error: unknown) => error instanceof NotFoundError && error.message === `No peer called "second" on ${first.url}`);

      await configuration.removeStaticTunnel(handle, peer.id, created.id);
      await eventually(() => isPortClosed(created.tunnel_local_port), 5000, 'the static tunnel port to close');

      const set = await configuration.setProxy(handle, {url: 'http://127.0.0.1:3128', username: 'user', password: 'secret', check: false});
      assert.deepEqual(set, {proxy_url: 'http://127.0.0.1:3128', username: '******', password: '******'});
      assert.deepEqual(await commands.getProxy(handle), set);
      assert.deepEqual(await configuration.clearProxy(handle), {});

      await configuration.addStaticTunnel(handle, peer.id, {remotePort: echo.port});
      await configuration.factoryReset(handle, {disconnectClients: false});
      assert.deepEqual(await commands.listPeers(handle), []);
      await configuration.addPeer(handle, {name: 'again', url: second.url});
      await configuration.removePeer(handle, (await commands.findPeer(handle, 'again')).id);
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
    await assert.rejects(configuration.setProxy(handle, {url: 'http://proxy:3128', username: 'u'}), {message: 'username and password go together'});
    await assert.rejects(configuration.setProxy(handle, {url: 'proxy:3128'}), {message: 'proxy url must start with http:// or https://'});
    await assert.rejects(configuration.addStaticTunnel(handle, 1, {remotePort: 70000}), {message: 'remote port must be a number from 1 to 65535'});
    await assert.rejects(configuration.addStaticTunnel(handle, 1, {remotePort: 22, remoteAddress: '::1'}), {message: 'remote address must be an IPv4 address, like 127.0.0.1'});
    await assert.rejects(configuration.addPeer(handle, {name: ' ', url: 'http://x:1'}), {message: 'name required'});
    await assert.rejects(configuration.addPeer(handle, {name: 'a', url: 'ftp://x'}), {message: 'url must start with http:// or https://'});
    await assert.rejects(configuration.addPeer(handle, {name: 'a', url: 'http://x:1', authData: '[1]'}), {message: 'auth data must be a JSON object'});
    await assert.rejects(configuration.renamePeer(handle, 1, ''), {message: 'name required'});
    await assert.rejects(configuration.removePeer(handle, -1), {message: 'peer id must be a positive integer'});
    assert.deepEqual(api.calls, []);
    await handle.close();
  });
});
