/** Which servers a scripted command talks to: the default URL, and the connection flags (an auth plugin). */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {SecretServerAuth} from '../../../source/auth/secret-auth.js';
import {NO_SSL_VALIDATE_WARNING} from '../../../source/client/server-transport.js';
import {ManagementClient} from '../../../source/client/management-client.js';
import {runScripted, type ScriptedIo} from '../../../source/console/scripted/run.js';
import {readTlsFixture, tlsFixturePath} from '../../helpers/tls.js';
import {startServer} from '../../helpers/netunnel.js';
import {scriptedMode} from '../../helpers/scripted.js';

const {scripted} = scriptedMode();

describe('scripted mode: picking servers', () => {

  it('with no --server and nothing saved, http://127.0.0.1:4040 is used', async () => {
    const {server, url} = await startServer();
    const asked: string[] = [];
    const emptyDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-empty-'));
    try {
      // The API is pointed at a test server, so that nothing on the real port 4040 matters.
      const result = await scripted(['peers', '--json'], {
        configDir: emptyDir,
        createApi: (target) => {
          asked.push(target.url);
          return new ManagementClient({serverUrl: url});
        },
      });
      assert.deepEqual(asked, ['http://127.0.0.1:4040']);
      assert.deepEqual(result, {code: 0, stderr: '', stdout: '[]\n'});
    } finally {
      await server.close();
      rmSync(emptyDir, {recursive: true, force: true});
    }
  });

  it('an auth plugin given on the command line is used (the built-in secret one); a broken one is a usage error', async () => {
    const {server, url} = await startServer({auth: new SecretServerAuth({secret: 's3cret'})});
    const plugin = 'secret';
    try {
      const [without, wrong, missing, right] = await Promise.all([
        scripted(['-s', url, 'peers']),
        scripted(['-s', url, 'peers', '--auth-plugin', plugin, '--auth-data', '{"secret": "guess"}']),
        scripted(['-s', url, 'peers', '--auth-plugin', './nowhere.ts#X']),
        scripted(['-s', url, 'peers', '--auth-plugin', plugin, '--auth-data', '{"secret": "s3cret"}', '--json']),
      ]);
      assert.deepEqual(without, {code: 1, stdout: '', stderr: 'netunnel-tui: Forbidden: the auth plugin refused this request\n'});
      assert.deepEqual(wrong, {code: 1, stdout: '', stderr: 'netunnel-tui: Authentication failed: the server refused the secret\n'});
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^netunnel-tui: Cannot load auth plugin module "\.\/nowhere\.ts": [^\n]+\nUsage: netunnel-tui --no-tui peers \[options\]\n$/);
      assert.deepEqual(right, {code: 0, stderr: '', stdout: '[]\n'});
    } finally {
      await server.close();
    }
  });
});

describe('scripted mode: TLS and the built-in secret plugin', () => {
  it('--ca-file and --tls-cert/--tls-key reach a server that wants both; servers add keeps their absolute paths (and a secret_file) and uses them', async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-tls-'));
    const tls = {cert: readTlsFixture('server.crt'), key: readTlsFixture('server.key'), clientCa: readTlsFixture('ca.crt')};
    const {server} = await startServer({tls, auth: new SecretServerAuth({secret: 's3cret'})});
    const url = `https://127.0.0.1:${server.address!.port}`;
    for (const name of ['ca.crt', 'client.crt', 'client.key'] as const) copyFileSync(tlsFixturePath(name), join(ownDir, name));
    writeFileSync(join(ownDir, 'secret'), 's3cret\n', {mode: 0o600});
    const run = async (argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const io: ScriptedIo = {stdout: {write: (text: string) => ((stdout += text), true), isTTY: false}, stderr: {write: (text: string) => ((stderr += text), true)}, cwd: ownDir};
      const code = await runScripted(['--config-dir', ownDir, ...argv], io);
      return {code, stdout, stderr};
    };
    const auth = ['--auth-plugin', 'secret', '--auth-data', '{"secret_file": "secret"}'];
    const files = ['--ca-file', 'ca.crt', '--tls-cert', 'client.crt', '--tls-key', 'client.key'];
    try {
      assert.deepEqual(await run(['-s', url, 'peers', '--json', ...auth, ...files]), {code: 0, stderr: '', stdout: '[]\n'});
      const anonymous = await run(['-s', url, 'peers', ...auth, '--ca-file', 'ca.crt']);
      assert.deepEqual(anonymous, {code: 1, stdout: '', stderr: `netunnel-tui: Cannot reach ${url}: the server requires a client certificate\n`});
      const unchecked = await run(['-s', url, 'peers', ...auth, '--no-ssl-validate']);
      assert.equal(unchecked.stderr.split('\n')[0], `netunnel-tui: warning: ${NO_SSL_VALIDATE_WARNING}`);
      const missing = await run(['-s', url, 'peers', '--ca-file', 'nope.crt']);
      assert.deepEqual([missing.code, missing.stderr.split('\n')[0]], [2, `netunnel-tui: Cannot read --ca-file ${join(ownDir, 'nope.crt')}: ENOENT`]);

      const saved = await run(['servers', 'add', url, '--name', 'mutual', '--json', ...auth, ...files]);
      assert.equal(saved.code, 0, saved.stderr);
      assert.deepEqual(JSON.parse(saved.stdout), {
        name: 'mutual',
        url,
        auth_plugin: 'secret',
        auth_data: {secret_file: join(ownDir, 'secret')},
        proxy: null,
        ssl_validate: true,
        ca_file: join(ownDir, 'ca.crt'),
        tls_cert: join(ownDir, 'client.crt'),
        tls_key: join(ownDir, 'client.key'),
      });
      assert.deepEqual(await run(['--server', 'mutual', 'peers', '--json']), {code: 0, stderr: '', stdout: '[]\n'});
    } finally {
      await server.close();
      rmSync(ownDir, {recursive: true, force: true});
    }
  });
});
