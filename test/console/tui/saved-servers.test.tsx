/**
 * Saved servers that cannot be used: a server whose auth plugin does not load is not saved
 * (before, the broken entry was saved, its name then "is taken", and every later console
 * exited 2); one saved before is shown as broken, next to the others, and blocks nothing.
 */
import {afterEach, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ConsoleSession, targetOrBroken} from '../../../source/console/session.js';
import {ConsoleSettings} from '../../../source/console/settings.js';
import {App} from '../../../source/console/tui/app.js';
import {FakeConsoleApi} from '../../helpers/fake-console-api.js';
import {KEYS, press, renderThemed, waitForFrame, type Rendered} from '../../helpers/ink.js';

const FAST = {pollMs: 20, probeMs: 10_000, sampleMs: 20, retryMinMs: 10, retryMaxMs: 40, downAfterMs: 100};

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function settingsInTempDir(): ConsoleSettings {
  const dir = mkdtempSync(join(tmpdir(), 'netunnel-saved-'));
  cleanups.push(async () => rmSync(dir, {recursive: true, force: true}));
  return new ConsoleSettings({configDir: dir});
}

function render(session: ConsoleSession, settings: ConsoleSettings): Rendered {
  const instance = renderThemed(<App session={session} settings={settings} onQuit={() => {}} size={{columns: 100, rows: 30}} refreshMs={0} />);
  cleanups.push(async () => {
    instance.unmount();
    await session.close();
  });
  return instance;
}

async function type(instance: Rendered, label: string, text: string) {
  for (let index = 1; index <= text.length; index += 1) {
    const typed = text.slice(0, index).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    await press(instance, text[index - 1]!, new RegExp(`> ${label} +${typed}`));
  }
}

const MISSING_PLUGIN = './no-such-plugin.js#Auth';

describe('saved servers that cannot be used', () => {
  it('a server whose auth plugin does not load is not saved, and its name stays free', async () => {
    const settings = settingsInTempDir();
    const session = new ConsoleSession({createApi: (target) => new FakeConsoleApi(target.url), timing: FAST});
    const instance = render(session, settings);
    await press(instance, 'a', /Add a server/);
    await type(instance, 'URL', 'http://127.0.0.1:4999');
    await press(instance, KEYS.tab, /> Name/);
    await type(instance, 'Name', 'lab');
    await press(instance, KEYS.tab, /> Auth plugin/);
    await type(instance, 'Auth plugin', MISSING_PLUGIN);
    const frame = await press(instance, KEYS.enter, /Cannot load auth plugin module "\.\/no-such-plugin\.js"/);
    assert.match(frame, /Add a server/, 'the form stays open, to be corrected');
    assert.deepEqual(settings.listServers(), [], 'nothing saved');
    assert.equal(session.servers.length, 0, 'no tab opened');

    // Corrected: the same name is not "taken" by the failed attempt.
    await press(instance, KEYS.tab, /> Auth data/);
    await press(instance, KEYS.shiftTab, /> Auth plugin/);
    await press(instance, '\u0015', (text) => !text.includes('no-such-plugin'));
    await press(instance, KEYS.enter, /Server lab saved and opened/);
    assert.deepEqual(settings.listServers(), [{name: 'lab', url: 'http://127.0.0.1:4999'}]);
  });

  it('a saved server whose auth plugin cannot load is a broken tab; the others work', async () => {
    const settings = settingsInTempDir();
    settings.addServer({name: 'broken', url: 'http://127.0.0.1:4998', authPlugin: MISSING_PLUGIN});
    settings.addServer({name: 'good', url: 'http://127.0.0.1:4999'});
    const apis: FakeConsoleApi[] = [];
    const session = new ConsoleSession({
      createApi: (target) => {
        const api = new FakeConsoleApi(target.url);
        apis.push(api);
        return api;
      },
      timing: FAST,
    });
    for (const saved of settings.listServers()) session.addServer(await targetOrBroken(saved), 'saved');
    const instance = render(session, settings);
    const frame = await waitForFrame(instance, /^ 1 broken ○ broken entry +2 good /);
    assert.match(frame.split('\n')[27]!, /^broken: Cannot load auth plugin module "\.\/no-such-plugin\.js": /);
    assert.equal(apis[0]!.calls.length, 0, 'nothing is asked of a broken entry');
    await press(instance, 'n', /New tunnel/);
    await press(instance, KEYS.enter, /Cannot load auth plugin module/);
    await press(instance, KEYS.escape, /^ 1 broken/);
    await press(instance, '2', /2 good/);
  });
});
