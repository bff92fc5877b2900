import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {FernetError} from '../../source/protocol/errors.js';
import {
  INVALID_KEY_MESSAGE,
  INVALID_TOKEN_MESSAGE,
  assertFernetKey,
  fernetDecrypt,
  fernetEncrypt,
  generateFernetKey,
  isFernetKey,
} from '../../source/protocol/fernet.js';
import {readVectorJson} from '../helpers/vectors.js';

interface FernetVector {
  key: string;
  time: number;
  iv_hex: string;
  plaintext: string;
  token: string;
}

interface ConfigVector {
  http_proxy: {username: string; password: string};
  secret_key: string;
}

const vector = readVectorJson<FernetVector>('fernet.json');

function isFernetError(message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof FernetError, `expected a FernetError, got ${String(error)}`);
    assert.equal(error.code, 'NETUNNEL_ERR_FERNET');
    assert.equal(error.message, message);
    return true;
  };
}

/** Flips one bit of the decoded token and re-encodes it the way Python would. */
function tamper(token: string, byteIndex: number): string {
  const bytes = Buffer.from(token, 'base64url');
  bytes[byteIndex % bytes.length]! ^= 0x01;
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

test('encrypting the vector plaintext with its time and IV gives the vector token', () => {
  const token = fernetEncrypt(vector.key, vector.plaintext, {time: vector.time, iv: Buffer.from(vector.iv_hex, 'hex')});
  assert.equal(token, vector.token);
});

test('decrypting the vector token gives the vector plaintext', () => {
  assert.equal(fernetDecrypt(vector.key, vector.token), vector.plaintext);
});

test('the 1.0.12 config file proxy credentials decrypt with its secret_key', () => {
  const config = readVectorJson<ConfigVector>('config-1.0.12.json');
  assert.equal(fernetDecrypt(config.secret_key, config.http_proxy.username), 'proxy-user');
  assert.equal(fernetDecrypt(config.secret_key, config.http_proxy.password), 'proxy-pass');
});

test('generated keys look like Python Fernet.generate_key() and are usable', () => {
  const key = generateFernetKey();
  assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
  assert.ok(isFernetKey(key));
  assert.notEqual(generateFernetKey(), key);
  assert.equal(fernetDecrypt(key, fernetEncrypt(key, 'hello')), 'hello');
});

test('tokens are url-safe base64 with padding and carry the time', () => {
  const token = fernetEncrypt(vector.key, 'x', {time: 1234567890});
  assert.match(token, /^[A-Za-z0-9_-]+=*$/);
  assert.equal(token.length % 4, 0);
  const bytes = Buffer.from(token, 'base64url');
  assert.equal(bytes[0], 0x80);
  assert.equal(bytes.readBigUInt64BE(1), 1234567890n);
});

test('random strings round-trip', () => {
  const key = generateFernetKey();
  fc.assert(
    fc.property(fc.string({unit: 'grapheme', maxLength: 200}), (plaintext) => {
      assert.equal(fernetDecrypt(key, fernetEncrypt(key, plaintext)), plaintext);
    }),
  );
  fc.assert(
    fc.property(fc.string({unit: 'binary', maxLength: 64}), (plaintext) => {
      // Lone surrogates are not UTF-8: compare with what UTF-8 encoding keeps of them.
      const expected = Buffer.from(plaintext, 'utf8').toString('utf8');
      assert.equal(fernetDecrypt(key, fernetEncrypt(key, plaintext)), expected);
    }),
  );
});

test('a leading byte order mark survives, as with Python', () => {
  const key = generateFernetKey();
  assert.equal(fernetDecrypt(key, fernetEncrypt(key, '\uFEFFx')), '\uFEFFx');
});

test('any flipped bit makes the token invalid', () => {
  const length = Buffer.from(vector.token, 'base64url').length;
  fc.assert(
    fc.property(fc.integer({min: 0, max: length - 1}), (index) => {
      assert.throws(() => fernetDecrypt(vector.key, tamper(vector.token, index)), isFernetError(INVALID_TOKEN_MESSAGE));
    }),
  );
});

test('malformed tokens are refused with the same message', () => {
  for (const token of [
    '',
    'not a token',
    vector.token.slice(0, -4),
    vector.token.replace(/=+$/, ''), // Python refuses a token without its padding too
    vector.token.slice(0, 40) + '!' + vector.token.slice(41),
    Buffer.alloc(73).toString('base64url'), // version byte 0x00
  ]) {
    assert.throws(() => fernetDecrypt(vector.key, token), isFernetError(INVALID_TOKEN_MESSAGE), token);
  }
});

test('a token made with another key is refused', () => {
  assert.throws(() => fernetDecrypt(generateFernetKey(), vector.token), isFernetError(INVALID_TOKEN_MESSAGE));
});

test('bad keys are refused with a clear message', () => {
  for (const key of [
    '',
    'short',
    vector.key.replace(/=$/, ''), // missing padding
    Buffer.alloc(16).toString('base64'), // 16 bytes
    Buffer.alloc(33).toString('base64'), // 33 bytes
    vector.key.slice(0, 10) + '*' + vector.key.slice(11),
  ]) {
    assert.equal(isFernetKey(key), false, key);
    assert.throws(() => assertFernetKey(key), isFernetError(INVALID_KEY_MESSAGE), key);
    assert.throws(() => fernetEncrypt(key, 'x'), isFernetError(INVALID_KEY_MESSAGE), key);
    assert.throws(() => fernetDecrypt(key, vector.token), isFernetError(INVALID_KEY_MESSAGE), key);
  }
});

test('a time-to-live can be asked for, off by default', () => {
  const token = fernetEncrypt(vector.key, 'x', {time: 1000});
  assert.equal(fernetDecrypt(vector.key, token), 'x');
  assert.equal(fernetDecrypt(vector.key, token, {ttl: 60, now: 1060}), 'x');
  assert.throws(() => fernetDecrypt(vector.key, token, {ttl: 60, now: 1061}), isFernetError('Invalid Fernet token: it has expired'));
});
