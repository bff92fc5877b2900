import {test} from 'node:test';
import assert from 'node:assert/strict';
import {INVALID_KEY_MESSAGE, INVALID_TOKEN_MESSAGE, fernetDecrypt, fernetEncrypt, isFernetKey} from '../../source/protocol/fernet.js';
import {KEYS_USAGE, runKeysCommand} from '../../source/cli/keys-command.js';
import {readVectorJson} from '../helpers/vectors.js';

const vector = readVectorJson<{key: string; token: string; plaintext: string}>('fernet.json');

/** Runs the command, collecting what goes to out and to err. */
function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runKeysCommand(
    args,
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return {code, out, err};
}

test('generate prints one new Fernet key', () => {
  for (const name of ['generate', 'generate-key']) {
    const {code, out, err} = run(name);
    assert.equal(code, 0);
    assert.deepEqual(err, []);
    assert.equal(out.length, 1);
    assert.match(out[0]!, /^[A-Za-z0-9_-]{43}=$/);
    assert.ok(isFernetKey(out[0]!));
  }
  assert.notEqual(run('generate').out[0], run('generate').out[0]);
});

test('encrypt prints a token that decrypts to the data', () => {
  const {code, out, err} = run('encrypt', vector.key, '-data with spaces-');
  assert.equal(code, 0);
  assert.deepEqual(err, []);
  assert.equal(fernetDecrypt(vector.key, out[0]!), '-data with spaces-');
});

test('decrypt prints the plaintext of the vector token and of one we made', () => {
  assert.deepEqual(run('decrypt', vector.key, vector.token), {code: 0, out: [vector.plaintext], err: []});
  const token = fernetEncrypt(vector.key, 'proxy-pass');
  assert.deepEqual(run('decrypt', vector.key, token), {code: 0, out: ['proxy-pass'], err: []});
});

test('a bad key or token exits 1 with one line', () => {
  assert.deepEqual(run('encrypt', 'not-a-key', 'data'), {code: 1, out: [], err: [INVALID_KEY_MESSAGE]});
  assert.deepEqual(run('decrypt', 'not-a-key', vector.token), {code: 1, out: [], err: [INVALID_KEY_MESSAGE]});
  assert.deepEqual(run('decrypt', vector.key, vector.token.slice(0, -8) + 'AAAAAAA='), {code: 1, out: [], err: [INVALID_TOKEN_MESSAGE]});
  assert.deepEqual(run('decrypt', vector.key, 'garbage'), {code: 1, out: [], err: [INVALID_TOKEN_MESSAGE]});
});

test('bad usage exits 2 with a one-line usage message', () => {
  assert.deepEqual(run(), {code: 2, out: [], err: [KEYS_USAGE]});
  assert.deepEqual(run('rotate'), {code: 2, out: [], err: [`Unknown keys command "rotate". ${KEYS_USAGE}`]});
  assert.deepEqual(run('generate', 'extra'), {code: 2, out: [], err: [`Wrong number of arguments for "keys generate". ${KEYS_USAGE}`]});
  assert.deepEqual(run('encrypt', vector.key), {code: 2, out: [], err: [`Wrong number of arguments for "keys encrypt". ${KEYS_USAGE}`]});
  assert.deepEqual(run('decrypt', vector.key, vector.token, 'x'), {code: 2, out: [], err: [`Wrong number of arguments for "keys decrypt". ${KEYS_USAGE}`]});
});

test('--help prints the usage and exits 0', () => {
  assert.deepEqual(run('--help'), {code: 0, out: [KEYS_USAGE], err: []});
});

test('without an err function, problems go to out', () => {
  const lines: string[] = [];
  assert.equal(runKeysCommand([], (line) => lines.push(line)), 2);
  assert.deepEqual(lines, [KEYS_USAGE]);
});
