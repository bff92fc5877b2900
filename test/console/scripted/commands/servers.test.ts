/** Scripted `servers add|list|rm` in the console settings, and --server NAME picking a saved one. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startServer} from '../../../helpers/netunnel.js';
import {scriptedMode} from '../../../helpers/scripted.js';

const {scriptedIn} = scriptedMode();

describe('scripted mode: saved servers', () => {

  it('servers add, list and rm in the console settings; --server NAME and the default pick them', async () => {
    const {server, url} = await startServer();
    const ownDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-servers-'));
    const scripted = (argv: string[]) => scriptedIn(argv, {configDir: ownDir});
    try {
      assert.deepEqual(await scripted(['servers', 'list']), {code: 0, stderr: '', stdout: 'NAME  URL  AUTH PLUGIN  PROXY  TLS CHECK\n'});
      assert.deepEqual(await scripted(['servers', 'add', url, '--name', 'lab']), {code: 0, stderr: '', stdout: `Saved server "lab" (${url})\n`});
      assert.deepEqual(await scripted(['servers', 'add', url, '--name', 'lab']), {code: 1, stdout: '', stderr: 'netunnel-tui: A saved server is already called "lab"\n'});
      const auto = await scripted(['servers', 'add', 'https://10.1.2.3:4443', '--no-ssl-validate', '--proxy-url', 'http://proxy:3128', '--json']);
      assert.deepEqual(JSON.parse(auto.stdout), {
        name: '10.1.2.3:4443',
        url: 'https://10.1.2.3:4443',
        auth_plugin: null,
        auth_data: null,
        proxy: {url: 'http://proxy:3128', username: null, password: null},
        ssl_validate: false,
        ca_file: null,
        tls_cert: null,
        tls_key: null,
      });
      const urlWidth = Math.max(url.length, 'https://10.1.2.3:4443'.length);
      assert.deepEqual(await scripted(['servers', 'list']), {
        code: 0,
        stderr: '',
        stdout:
          `NAME           URL${' '.repeat(urlWidth - 3)}  AUTH PLUGIN  PROXY              TLS CHECK\n` +
          `lab            ${url}${' '.repeat(urlWidth - url.length)}  -            -                  yes\n` +
          `10.1.2.3:4443  https://10.1.2.3:4443${' '.repeat(urlWidth - 21)}  -            http://proxy:3128  no\n`,
      });
      // --server NAME uses the saved one; without --server, every saved server is used.
      const picked = await scripted(['--server', 'lab', 'peers', '--json']);
      assert.deepEqual(picked, {code: 0, stderr: '', stdout: '[]\n'});
      const all = await scripted(['peers']);
      assert.equal(all.code, 1, 'the second saved server is not there');
      assert.match(all.stderr, /^netunnel-tui: 10\.1\.2\.3:4443: Cannot reach https:\/\/10\.1\.2\.3:4443[ :]/);
      assert.deepEqual(await scripted(['peer', 'add', 'x', url]), {
        code: 2,
        stdout: '',
        stderr:
          'netunnel-tui: peer add acts on one server: pick it with --server (2 are selected: lab, 10.1.2.3:4443)\n' +
          'Usage: netunnel-tui --no-tui peer add NAME URL [--peer-auth-data JSON] [options]\n',
      });
      assert.deepEqual(await scripted(['servers', 'rm', '10.1.2.3:4443']), {code: 0, stderr: '', stdout: 'Removed saved server "10.1.2.3:4443"\n'});
      assert.deepEqual(await scripted(['servers', 'rm', 'nope']), {code: 1, stdout: '', stderr: 'netunnel-tui: No saved server is called "nope"\n'});
      assert.deepEqual(await scripted(['servers', 'rm', 'lab', '--json']), {
        code: 0,
        stderr: '',
        stdout: `${JSON.stringify({name: 'lab', url, auth_plugin: null, auth_data: null, proxy: null, ssl_validate: true, ca_file: null, tls_cert: null, tls_key: null}, null, 2)}\n`,
      });
    } finally {
      await server.close();
      rmSync(ownDir, {recursive: true, force: true});
    }
  });
});
