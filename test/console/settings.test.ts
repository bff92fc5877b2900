/** The settings file is parsed on every read: one edited by hand into something else is a clear error, never a crash. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {SettingsError} from '../../source/console/errors.js';
import {ConsoleSettings} from '../../source/console/settings.js';
import {exitCodeOf} from '../../source/exit-codes.js';
import {scriptedMode} from '../helpers/scripted.js';

const {scriptedIn} = scriptedMode();

function settingsError(message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${String(error)}`);
    assert.equal(error.code, 'NETUNNEL_ERR_SETTINGS');
    assert.equal(error.message, message);
    assert.equal(exitCodeOf(error), 2, "the user's to fix");
    return true;
  };
}

function withSettingsFile(text: string, check: (dir: string, path: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netunnel-settings-'));
    const path = join(dir, 'config.json');
    writeFileSync(path, text);
    try {
      await check(dir, path);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  };
}

describe('a bad settings file', () => {
  it(
    'a field that does not fit: the file and the field are named',
    withSettingsFile(JSON.stringify({servers: [{name: 'lab', url: 'http://10.0.0.1:4040'}, {name: 'prod', url: 'ftp://prod'}]}), (dir, path) => {
      const settings = new ConsoleSettings({configDir: dir});
      assert.throws(() => settings.listServers(), settingsError(`Settings file ${path}: servers.1.url: expected an http:// or https:// URL`));
      assert.throws(() => settings.getServer('lab'), settingsError(`Settings file ${path}: servers.1.url: expected an http:// or https:// URL`));
    }),
  );

  it(
    'a list that is not one, a flag that is not a boolean',
    withSettingsFile(JSON.stringify({servers: [{name: 'lab', url: 'http://10.0.0.1:4040', sslValidate: 'no'}]}), (dir, path) => {
      assert.throws(() => new ConsoleSettings({configDir: dir}).listServers(), settingsError(`Settings file ${path}: servers.0.sslValidate: expected boolean`));
      writeFileSync(path, JSON.stringify({servers: 'lab'}));
      assert.throws(() => new ConsoleSettings({configDir: dir}).listServers(), settingsError(`Settings file ${path}: servers: expected array`));
    }),
  );

  it(
    'a file that is not JSON is named, and left as it was',
    withSettingsFile('{"servers": [', (dir, path) => {
      assert.throws(
        () => new ConsoleSettings({configDir: dir}),
        (error: unknown) => error instanceof SettingsError && error.message.startsWith(`Settings file ${path} is not valid JSON: `),
      );
      assert.equal(readFileSync(path, 'utf8'), '{"servers": [');
    }),
  );

  it(
    'scripted mode says so in one line and exits 2',
    withSettingsFile(JSON.stringify({servers: [{name: 7, url: 'http://10.0.0.1:4040'}]}), async (dir, path) => {
      const result = await scriptedIn(['servers', 'list'], {configDir: dir});
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.split('\n')[0], `netunnel-tui: Settings file ${path}: servers.0.name: expected string`);
    }),
  );
});
