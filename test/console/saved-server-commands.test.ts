/** The saved servers in the console's settings: added, listed, updated and removed. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as commands from '../../source/console/saved-server-commands.js';
import {AlreadyExistsError} from '../../source/console/errors.js';
import {ConsoleSettings} from '../../source/console/settings.js';

describe('saved servers', () => {
  it('are added, listed, updated and removed in the settings file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netunnel-settings-'));
    try {
      const settings = new ConsoleSettings({configDir: dir});
      assert.deepEqual(commands.listSavedServers(settings), []);
      const first = commands.addSavedServer(settings, {url: 'http://10.0.0.1:4040'});
      assert.deepEqual(first, {name: '10.0.0.1:4040', url: 'http://10.0.0.1:4040'});
      const second = commands.addSavedServer(settings, {url: 'http://10.0.0.1:4040', sslValidate: false, proxy: {url: 'http://proxy:3128'}});
      assert.equal(second.name, '10.0.0.1:4040-2');
      assert.throws(() => commands.addSavedServer(settings, {name: '10.0.0.1:4040', url: 'http://a:1'}), (error: unknown) => error instanceof AlreadyExistsError && error.message === 'A saved server is already called "10.0.0.1:4040"');
      assert.throws(() => commands.addSavedServer(settings, {name: 'x', url: 'nope'}), {message: 'url must be a URL, like http://host:4040'});
      commands.updateSavedServer(settings, '10.0.0.1:4040-2', {name: 'prod', url: 'https://prod.example.com/netunnel', authPlugin: './p.js#Auth', authData: {secret: 's'}});
      // Read back by a new instance: it is in the file.
      const again = new ConsoleSettings({configDir: dir});
      assert.deepEqual(commands.listSavedServers(again), [first, {name: 'prod', url: 'https://prod.example.com/netunnel', authPlugin: './p.js#Auth', authData: {secret: 's'}}]);
      assert.equal(statSync(again.path).mode & 0o777, 0o600);
      assert.deepEqual(commands.removeSavedServer(again, '10.0.0.1:4040'), first);
      assert.throws(() => commands.removeSavedServer(again, 'nope'), {message: 'No saved server is called "nope"', code: 'NETUNNEL_ERR_NOT_FOUND'});
      assert.deepEqual(commands.listSavedServers(again).map((server) => server.name), ['prod']);
      const tls = {caFile: '/etc/ca.pem', tlsCert: '/etc/client.pem', tlsKey: '/etc/client.key'};
      assert.deepEqual(commands.addSavedServer(again, {name: 'mutual', url: 'https://10.0.0.2:4443', ...tls}), {name: 'mutual', url: 'https://10.0.0.2:4443', ...tls});
      assert.throws(() => commands.addSavedServer(again, {name: 'half', url: 'https://10.0.0.3:4443', tlsCert: '/etc/client.pem'}), {
        message: 'a client certificate and its key go together',
      });
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
