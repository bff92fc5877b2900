/** Scripted `proxy` and `factory-reset` against a real server (and a real proxy). */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {connectClient} from '../../../helpers/netunnel.js';
import {startProxy, startWebServer} from '../../../helpers/proxy.js';
import {scriptedMode} from '../../../helpers/scripted.js';
import {useServerAndPeer} from '../../../helpers/suite-servers.js';

const {scripted} = scriptedMode();

describe('scripted mode: the server configuration', () => {
  const suite = useServerAndPeer();

  it('proxy get, set (checked through a real proxy, with credentials) and clear', async () => {
    const {url} = suite;
    const proxy = await startProxy({username: 'user', password: 'pass'});
    const web = await startWebServer();
    try {
      assert.deepEqual(await scripted(['-s', url, 'proxy', 'get']), {code: 0, stderr: '', stdout: 'none\n'});
      assert.deepEqual(JSON.parse((await scripted(['-s', url, 'proxy', 'get', '--json'])).stdout), {server_url: url, proxy_url: null, username: null, password: null});
      const set = await scripted(['-s', url, 'proxy', 'set', proxy.url, '--username', 'user', '--password', 'pass', '--test-url', `${web.url}/ok`]);
      assert.deepEqual(set, {code: 0, stderr: '', stdout: `Proxy set: ${proxy.url} (username ******, password ******)\n`});
      assert.ok(proxy.seen.includes(`GET ${web.url}/ok`), 'the server checked the proxy');
      assert.deepEqual(JSON.parse((await scripted(['-s', url, 'proxy', 'get', '--json'])).stdout), {server_url: url, proxy_url: proxy.url, username: '******', password: '******'});
      const refused = await scripted(['-s', url, 'proxy', 'set', proxy.url, '--test-url', `${web.url}/ok`]);
      assert.equal(refused.code, 1);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /^netunnel-tui: [^\n]+\n$/);
      assert.deepEqual(await scripted(['-s', url, 'proxy', 'clear']), {code: 0, stderr: '', stdout: 'Proxy cleared\n'});
      assert.deepEqual(await scripted(['-s', url, 'proxy', 'get']), {code: 0, stderr: '', stdout: 'none\n'});
    } finally {
      await proxy.close();
      await web.close();
    }
  });

  it('factory-reset needs --yes; with --disconnect-clients every client goes', async () => {
    const {server, url, peer} = suite;
    const other = await connectClient(url);
    try {
      await scripted(['-s', url, 'peer', 'add', 'to-reset', peer.url]);
      const refused = await scripted(['-s', url, 'factory-reset']);
      assert.deepEqual(refused, {
        code: 2,
        stdout: '',
        stderr:
          "netunnel-tui: factory-reset erases the server's peers, static tunnels and proxy: add --yes to do it\n" +
          'Usage: netunnel-tui --no-tui factory-reset --yes [--disconnect-clients] [options]\n',
      });
      assert.equal(server.peers.list().length, 1);
      const lost = new Promise<string>((resolve) => other.once('disconnected', resolve));
      const reset = await scripted(['-s', url, 'factory-reset', '--yes', '--disconnect-clients', '--json']);
      assert.deepEqual({code: reset.code, stderr: reset.stderr, json: JSON.parse(reset.stdout)}, {code: 0, stderr: '', json: {server_url: url, disconnect_clients: true}});
      await lost;
      assert.deepEqual(server.peers.list(), []);
      assert.deepEqual(await scripted(['-s', url, 'factory-reset', '--yes']), {code: 0, stderr: '', stdout: `Factory reset of ${url} done\n`});
    } finally {
      await other.close();
    }
  });
});
