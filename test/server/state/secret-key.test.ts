import {afterEach, beforeEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fernetDecrypt, fernetEncrypt, generateFernetKey, isFernetKey} from '../../../source/protocol/fernet.js';
import {ConfigStore} from '../../../source/server/state/config-store.js';
import {SecretKeyError} from '../../../source/server/server-errors.js';
import {checkSecretKey, resolveSecretKey} from '../../../source/server/state/secret-key.js';

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netunnel-secret-'));
  path = join(dir, 'netunnel.conf');
});

afterEach(async () => {
  await rm(dir, {recursive: true, force: true});
});

const savedKey = async () => (JSON.parse(await readFile(path, 'utf8')) as {secret_key?: string}).secret_key;

function secretKeyError(message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof SecretKeyError);
    assert.equal(error.code, 'NETUNNEL_ERR_SECRET_KEY');
    assert.equal(error.message, message);
    return true;
  };
}

const HINT = 'it must be a Fernet key, 32 url-safe base64-encoded bytes (make one with `netunnel-server keys generate`)';

test('without any key one is generated, reported, saved, and used again next time', async () => {
  const store = await ConfigStore.open({path, env: {}});
  const first = await resolveSecretKey({store, env: {}});
  assert.equal(first.source, 'generated');
  assert.equal(first.generated, true);
  assert.ok(isFernetKey(first.key));
  assert.equal(await savedKey(), first.key);

  const reopened = await ConfigStore.open({path, env: {}});
  assert.deepEqual(await resolveSecretKey({store: reopened, env: {}}), {key: first.key, source: 'config', generated: false});
});

test('--secret-key comes first, then NETUNNEL_SECRET_KEY, then the config; none of them is written', async () => {
  const [option, fromEnv, fromConfig] = [generateFernetKey(), generateFernetKey(), generateFernetKey()];
  await writeFile(path, JSON.stringify({secret_key: fromConfig}));
  const store = await ConfigStore.open({path, env: {}});
  const env = {NETUNNEL_SECRET_KEY: fromEnv};
  assert.deepEqual(await resolveSecretKey({store, env, option}), {key: option, source: 'option', generated: false});
  assert.deepEqual(await resolveSecretKey({store, env, option: ''}), {key: fromEnv, source: 'environment', generated: false});
  assert.deepEqual(await resolveSecretKey({store, env: {}}), {key: fromConfig, source: 'config', generated: false});
  assert.equal(await savedKey(), fromConfig);

  const fresh = await ConfigStore.open({path: join(dir, 'other.conf'), env: {}});
  await resolveSecretKey({store: fresh, env, option});
  await resolveSecretKey({store: fresh, env});
  assert.equal(fresh.get().secret_key, undefined);
});

test('stateless: a generated key stays in memory', async () => {
  const store = await ConfigStore.open({env: {}});
  const choice = await resolveSecretKey({store, env: {}});
  assert.equal(choice.generated, true);
  assert.equal(store.get().secret_key, choice.key);
});

test('after a factory reset a new key is generated, unless one is given', async () => {
  const store = await ConfigStore.open({path, env: {}});
  const before = await resolveSecretKey({store, env: {}});
  await store.replace(store.defaults());
  const after = await resolveSecretKey({store, env: {}});
  assert.equal(after.generated, true);
  assert.notEqual(after.key, before.key);
  assert.equal(await savedKey(), after.key);
});

test('the 1.0.12 key from a config decrypts its proxy credentials', async () => {
  const key = generateFernetKey();
  await writeFile(path, JSON.stringify({secret_key: key, http_proxy: {proxy_url: 'http://p', username: fernetEncrypt(key, 'u'), password: null}}));
  const store = await ConfigStore.open({path, env: {}});
  const {key: chosen} = await resolveSecretKey({store, env: {}});
  assert.equal(fernetDecrypt(chosen, store.get().http_proxy!.username!), 'u');
});

test('keys that are not Fernet keys are refused, naming where they came from', async () => {
  const store = await ConfigStore.open({env: {}});
  await assert.rejects(resolveSecretKey({store, env: {}, option: 'passphrase'}), secretKeyError(`Invalid secret key from --secret-key: ${HINT}`));
  await assert.rejects(resolveSecretKey({store, env: {NETUNNEL_SECRET_KEY: ''}}), secretKeyError(`Invalid secret key from NETUNNEL_SECRET_KEY: ${HINT}`));
  await writeFile(path, JSON.stringify({secret_key: Buffer.alloc(16).toString('base64url')}));
  const bad = await ConfigStore.open({path, env: {}});
  await assert.rejects(resolveSecretKey({store: bad, env: {}}), secretKeyError(`Invalid secret key from secret_key in config file ${path}: ${HINT}`));
  assert.throws(() => checkSecretKey('x', 'somewhere'), secretKeyError(`Invalid secret key from somewhere: ${HINT}`));
});
