/** Which servers a scripted command talks to: the default URL, and the connection flags (an auth plugin). */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {connectApi} from '../../../source/console/connect-api.js';
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
          return connectApi({serverUrl: url});
        },
      });
      assert.deepEqual(asked, ['http://127.0.0.1:4040']);
      assert.deepEqual(result, {code: 0, stderr: '', stdout: '[]\n'});
    } finally {
      await server.close();
      rmSync(emptyDir, {recursive: true, force: true});
    }
  });

  it('an auth plugin given on the command line is used; a broken one is a usage error', async () => {
    const {SecretServerAuth} = await import('../../../examples/secret-auth-plugin/secret-auth-plugin.js');
    const {server, url} = await startServer({auth: new SecretServerAuth({secret: 's3cret'})});
    const plugin = './examples/secret-auth-plugin/secret-auth-plugin.ts#SecretClientAuth';
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
