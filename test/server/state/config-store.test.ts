import {afterEach, beforeEach, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setImmediate as nextTurn} from 'node:timers/promises';
import {ConfigStore, type NetunnelConfig} from '../../../source/server/state/config-store.js';
import {ConfigError} from '../../../source/server/server-errors.js';
import {checkConfig, defaultConfig} from '../../../source/server/state/config-schema.js';
import {readVectorText} from '../../helpers/vectors.js';

const DEFAULTS = {
  allowed_tunnel_destinations: {'127.0.0.1': '*'},
  allowed_tunnel_entrances: ['127.0.0.1'],
  http_proxy: null,
  http_proxy_test_url: 'https://google.com',
  peers: [],
  allow_unverified_ssl_peers: false,
  revision: 1,
};

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netunnel-config-'));
  path = join(dir, 'netunnel.conf');
});

afterEach(async () => {
  await rm(dir, {recursive: true, force: true});
});

function configError(message: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'NETUNNEL_ERR_CONFIG');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), 'the message is one line');
    return true;
  };
}

/** What this Node's JSON.parse says about `text`, on one line (the message varies by version). */
function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message.replace(/\s+/g, ' ').trim();
  }
  throw new Error('the text is valid JSON');
}

function peer(id: number, name: string) {
  return {id, name, target_netunnel_url: `http://127.0.0.1:${4040 + id}`, auth_data: {}, static_tunnels: []};
}

describe('opening', () => {
  test('a missing file is created with the defaults, 4-space indented, readable by its owner only', async () => {
    const store = await ConfigStore.open({path, env: {}});
    assert.equal(store.stateless, false);
    assert.equal(store.path, path);
    assert.deepEqual(store.get(), DEFAULTS);
    const text = await readFile(path, 'utf8');
    assert.equal(text, JSON.stringify(DEFAULTS, null, 4));
    if (process.platform !== 'win32') assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  test('NETUNNEL_<KEY> replaces a default, and the file wins over it', async () => {
    const env = {NETUNNEL_ALLOWED_TUNNEL_DESTINATIONS: '{"127.0.0.1":"22"}'};
    const fromEnv = await ConfigStore.open({path, env});
    assert.deepEqual(fromEnv.get().allowed_tunnel_destinations, {'127.0.0.1': '22'});
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')).allowed_tunnel_destinations, {'127.0.0.1': '22'});

    await writeFile(path, JSON.stringify({...DEFAULTS, allowed_tunnel_destinations: {'10.0.0.1': '80,443'}}));
    const fromFile = await ConfigStore.open({path, env});
    assert.deepEqual(fromFile.get().allowed_tunnel_destinations, {'10.0.0.1': '80,443'});

    const stateless = await ConfigStore.open({env});
    assert.deepEqual(stateless.get().allowed_tunnel_destinations, {'127.0.0.1': '22'});
  });

  test('a file that lacks a key gets it from the defaults and is completed', async () => {
    await writeFile(path, '{"peers": [], "custom": {"kept": true}}');
    const store = await ConfigStore.open({path, env: {NETUNNEL_REVISION: '7'}});
    assert.deepEqual(store.get(), {...DEFAULTS, revision: 7, custom: {kept: true}});
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), {...DEFAULTS, revision: 7, custom: {kept: true}});
  });

  test('only the keys that have a default come from the environment', async () => {
    const store = await ConfigStore.open({env: {NETUNNEL_SECRET_KEY: 'not json', NETUNNEL_OTHER: '1', NETUNNEL_PEERS: '[]'}});
    assert.deepEqual(store.get(), DEFAULTS);
  });

  test('a variable that is not JSON, or of the wrong type, is named', async () => {
    await assert.rejects(
      ConfigStore.open({env: {NETUNNEL_PEERS: '[{'}}),
      configError(`Environment variable NETUNNEL_PEERS is not valid JSON: ${jsonParseMessage('[{')}`),
    );
    await assert.rejects(
      ConfigStore.open({env: {NETUNNEL_HTTP_PROXY: ''}}),
      configError(`Environment variable NETUNNEL_HTTP_PROXY is not valid JSON: ${jsonParseMessage('')}`),
    );
    await assert.rejects(
      ConfigStore.open({path, env: {NETUNNEL_REVISION: '"two"'}}),
      configError('Environment variable NETUNNEL_REVISION: revision: expected an integer'),
    );
    await assert.rejects(stat(path), {code: 'ENOENT'});
  });

  test('the 1.0.12 config file loads unchanged, gaining only our allowed_tunnel_entrances key', async () => {
    const vector = readVectorText('config-1.0.12.json');
    await writeFile(path, vector);
    const store = await ConfigStore.open({path, env: {}});
    const {allowed_tunnel_destinations, ...rest} = JSON.parse(vector) as Record<string, unknown>;
    // Our one new default key lands second, where the defaults have it; the rest keeps 1.0.12's order.
    const expected = {allowed_tunnel_destinations, allowed_tunnel_entrances: ['127.0.0.1'], ...rest};
    assert.deepEqual(store.get(), expected);
    const [self] = store.get().peers;
    assert.equal(self?.name, 'self');
    assert.deepEqual(self?.static_tunnels, [
      {id: 1, tunnel_remote_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_local_address: '127.0.0.1', tunnel_remote_port: 15299},
    ]);
    assert.equal(store.get().secret_key, '7Kjg7JGR_ikIaVlP_I5YHomx2C4AHilZto2r-eXLOe0=');
    const written = await readFile(path, 'utf8');
    assert.equal(written, JSON.stringify(expected, null, 4));

    // Saved again without a change, it is the same bytes (key order included).
    await store.update(() => {});
    assert.equal(await readFile(path, 'utf8'), written);
  });

  test('corrupt JSON is refused with one line and the file is left as it was', async () => {
    const text = '{\n    "peers": [\n        {"id": 1,\n';
    await writeFile(path, text);
    await assert.rejects(
      ConfigStore.open({path, env: {}}),
      configError(`Config file ${path} is not valid JSON: ${jsonParseMessage(text)}`),
    );
    assert.equal(await readFile(path, 'utf8'), text);
    assert.deepEqual(await readdir(dir), ['netunnel.conf']);
  });

  test('wrong types are refused with the path of the first problem and the file is left as it was', async () => {
    const cases: Array<[unknown, string]> = [
      [{peers: [{...peer(1, 'a'), name: 5}]}, 'peers.0.name: expected a string'],
      [{peers: [{...peer(1, 'a'), name: 5, id: 'x'}]}, 'peers.0.id: expected an integer (and 1 more problem)'],
      [{peers: [{id: 1, target_netunnel_url: 'u', auth_data: {}, static_tunnels: []}]}, 'peers.0.name: missing, expected a string'],
      [{http_proxy: 'http://proxy'}, 'http_proxy: expected an object or null'],
      [{http_proxy: {proxy_url: 'http://proxy', username: 1}}, 'http_proxy.username: expected a string or null'],
      [{allowed_tunnel_destinations: {'10.0.0.1': 22}}, 'allowed_tunnel_destinations["10.0.0.1"]: expected a string'],
      [{peers: [{...peer(1, 'a'), static_tunnels: [{id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: 0}]}]}, 'peers.0.static_tunnels.0.tunnel_remote_port: must be at least 1'],
      [[], 'expected a JSON object, got an array'],
      [null, 'expected a JSON object, got null'],
    ];
    for (const [content, problem] of cases) {
      const text = JSON.stringify(content, null, 2);
      await writeFile(path, text);
      await assert.rejects(ConfigStore.open({path, env: {}}), configError(`Config file ${path}: ${problem}`));
      assert.equal(await readFile(path, 'utf8'), text);
    }
    assert.deepEqual(await readdir(dir), ['netunnel.conf']);
  });

  test('a file in a missing directory cannot be written, and says so', async () => {
    const missing = join(dir, 'no', 'such', 'netunnel.conf');
    await assert.rejects(ConfigStore.open({path: missing, env: {}}), configError(new RegExp(`^Config file ${escape(missing)} cannot be written: ENOENT`)));
  });
});

describe('updating', () => {
  test('an update is saved, 4-space indented, and re-parses with the same schema', async () => {
    const store = await ConfigStore.open({path, env: {}});
    const id = await store.update((config) => {
      config.peers.push({...peer(1, 'café'), static_tunnels: [{id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: 22}]});
      config.http_proxy = {proxy_url: 'http://127.0.0.1:3128', username: null, password: null};
      return 1;
    });
    assert.equal(id, 1);
    const text = await readFile(path, 'utf8');
    const parsed: unknown = JSON.parse(text);
    const check = checkConfig(parsed);
    assert.ok(check.ok);
    assert.deepEqual(check.config, store.get());
    // Python's json.dump(indent=4, ensure_ascii=True): 4 spaces, non-ASCII escaped.
    assert.equal(text, JSON.stringify(parsed, null, 4).replace('café', 'caf\\u00e9'));
    assert.match(text, /^\{\n {4}"allowed_tunnel_destinations": \{\n {8}"127\.0\.0\.1": "\*"\n {4}\},/);
    assert.ok(text.includes('"name": "caf\\u00e9"'));
  });

  test('50 concurrent updates all land, one at a time, and the file stays valid', async () => {
    const store = await ConfigStore.open({path, env: {}});
    let running = 0;
    await Promise.all(
      Array.from({length: 50}, (_, index) =>
        store.update(async (config) => {
          running += 1;
          assert.equal(running, 1, 'updates never overlap');
          const counter = (config['counter'] as number | undefined) ?? 0;
          await nextTurn();
          config['counter'] = counter + 1;
          config.peers.push(peer(index + 1, `peer-${index}`));
          running -= 1;
        }),
      ),
    );
    assert.equal(store.get()['counter'], 50);
    const saved = JSON.parse(await readFile(path, 'utf8')) as NetunnelConfig;
    assert.equal(saved['counter'], 50);
    assert.deepEqual(
      saved.peers.map((p) => p.name),
      Array.from({length: 50}, (_, index) => `peer-${index}`),
    );
    assert.deepEqual(await readdir(dir), ['netunnel.conf'], 'no temporary file is left');
  });

  test('flush() resolves once every update asked for so far is saved, a failed one included', async () => {
    const store = await ConfigStore.open({path, env: {}});
    for (let index = 1; index <= 5; index += 1) {
      void store.update(async (config) => {
        await nextTurn();
        config.peers.push(peer(index, `peer-${index}`));
      });
    }
    void store.update(() => {
      throw new Error('refused');
    }).catch(() => {});
    await store.flush();
    const saved = JSON.parse(await readFile(path, 'utf8')) as NetunnelConfig;
    assert.deepEqual(
      saved.peers.map((p) => p.id),
      [1, 2, 3, 4, 5],
    );
  });

  test('stale temporary files of interrupted writes are removed when the store opens, and reported', async () => {
    await writeFile(path, '{}');
    const stale = join(dir, `.netunnel.conf.${process.pid}.0123456789ab.tmp`);
    await writeFile(stale, '{"peers": [');
    const reported: string[][] = [];
    await ConfigStore.open({path, env: {}, onStaleFilesRemoved: (paths) => reported.push(paths)});
    assert.deepEqual(reported, [[stale]]);
    assert.deepEqual(await readdir(dir), ['netunnel.conf']);
  });

  test('a failing or invalid update changes nothing, and later updates still run', async () => {
    const store = await ConfigStore.open({path, env: {}});
    const before = await readFile(path, 'utf8');
    await assert.rejects(
      store.update((config) => {
        config.revision = 2;
        throw new Error('boom');
      }),
      /boom/,
    );
    await assert.rejects(
      store.update((config) => {
        config.peers.push({...peer(1, 'a'), name: 5 as unknown as string});
      }),
      configError('Config change refused: peers.0.name: expected a string'),
    );
    assert.deepEqual(store.get(), DEFAULTS);
    assert.equal(await readFile(path, 'utf8'), before);
    await store.update((config) => {
      config.revision = 3;
    });
    assert.equal(store.get().revision, 3);
  });

  test('keys a peer or static tunnel does not declare never reach the file; top-level ones do', async () => {
    const store = await ConfigStore.open({path, env: {}});
    await store.update((config) => {
      const tunnel = {id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: 20000, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: 22, status: 'online'};
      config.peers.push({...peer(1, 'a'), static_tunnels: [tunnel], status: 'online'} as NetunnelConfig['peers'][number]);
      config['our_extension'] = {x: 1};
    });
    const saved = JSON.parse(await readFile(path, 'utf8')) as NetunnelConfig;
    assert.deepEqual(Object.keys(saved.peers[0]!).sort(), ['auth_data', 'id', 'name', 'static_tunnels', 'target_netunnel_url']);
    assert.deepEqual(Object.keys(saved.peers[0]!.static_tunnels[0]!).sort(), [
      'id',
      'tunnel_local_address',
      'tunnel_local_port',
      'tunnel_remote_address',
      'tunnel_remote_port',
    ]);
    assert.deepEqual(saved['our_extension'], {x: 1});
    assert.equal('status' in store.get().peers[0]!, false);
  });

  test('get() is a frozen snapshot', async () => {
    const store = await ConfigStore.open({env: {}});
    const snapshot = store.get();
    assert.throws(() => {
      (snapshot as NetunnelConfig).revision = 5;
    }, TypeError);
    assert.throws(() => {
      (snapshot.peers as NetunnelConfig['peers']).push(peer(1, 'a'));
    }, TypeError);
    await store.update((config) => {
      config.revision = 5;
    });
    assert.equal(snapshot.revision, 1, 'an old snapshot does not change');
    assert.equal(store.get().revision, 5);
  });

  test('an update started from inside a mutator is refused instead of waiting forever', async () => {
    const store = await ConfigStore.open({env: {}});
    await assert.rejects(
      store.update(async () => {
        await store.update(() => {});
      }),
      configError('ConfigStore.update() was called from inside an update: it would wait for itself'),
    );
  });

  test('replace(defaults()) is a factory reset that keeps the environment overrides', async () => {
    const store = await ConfigStore.open({path, env: {NETUNNEL_REVISION: '4'}});
    await store.update((config) => {
      config.peers.push(peer(1, 'a'));
      config.secret_key = 'x';
      config['custom'] = true;
    });
    await store.replace(store.defaults());
    assert.deepEqual(store.get(), {...DEFAULTS, revision: 4});
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), {...DEFAULTS, revision: 4});
    await assert.rejects(store.replace({...defaultConfig(), peers: 'none' as unknown as []}), configError('Config change refused: peers: expected an array'));
  });
});

describe('stateless', () => {
  test('without a path nothing is read or written', async () => {
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const store = await ConfigStore.open({env: {}});
      assert.equal(store.stateless, true);
      assert.equal(store.path, undefined);
      assert.deepEqual(store.get(), DEFAULTS);
      await store.update((config) => {
        config.peers.push(peer(1, 'a'));
      });
      assert.equal(store.get().peers.length, 1);
      await store.replace(store.defaults());
      assert.deepEqual(store.get(), DEFAULTS);
    } finally {
      process.chdir(previous);
    }
    assert.deepEqual(await readdir(dir), []);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
