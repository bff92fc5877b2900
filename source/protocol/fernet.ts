/**
 * Fernet (https://github.com/fernet/spec), the symmetric encryption 1.0.12 uses for the
 * secrets it stores (the HTTP proxy's username and password, PROTOCOL.md sections 4.3 and 5).
 *
 * Written over node:crypto rather than taken from npm: the format is a few lines, and it
 * must match Python's `cryptography.fernet` byte for byte (vectors/fernet.json), padding
 * included, so that a config file written by either implementation is readable by the other.
 *
 * Token: url-safe base64 (with `=` padding) of
 *   0x80 | 8-byte big-endian Unix time | 16-byte IV | AES-128-CBC(PKCS7) ciphertext | HMAC-SHA256
 * Key: url-safe base64 (with padding) of 32 bytes: signing key = first 16, encryption key = last 16.
 */
import {createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual} from 'node:crypto';
import {FernetError} from './errors.js';

export const INVALID_KEY_MESSAGE = 'Invalid Fernet key: it must be 32 url-safe base64-encoded bytes';
export const INVALID_TOKEN_MESSAGE = 'Invalid Fernet token: it is malformed, was tampered with, or was made with another key';

const VERSION = 0x80;
const HEADER_LENGTH = 1 + 8 + 16; // version, time, IV
const HMAC_LENGTH = 32;
const BLOCK_LENGTH = 16;

/**
 * Strict url-safe base64: Buffer.from(..., 'base64url') silently skips characters it does not
 * know, which would let a mangled key or token decode to something. Python's decoder requires
 * the `=` padding, so a key we accept is one 1.0.12 accepts too.
 */
const URLSAFE_BASE64 = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

function urlsafeDecode(text: string): Buffer | undefined {
  if (!URLSAFE_BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64url');
}

/** Url-safe base64 WITH padding, as Python's base64.urlsafe_b64encode writes it. */
function urlsafeEncode(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

interface KeyParts {
  signingKey: Buffer;
  encryptionKey: Buffer;
}

function splitKey(key: string): KeyParts {
  const bytes = typeof key === 'string' ? urlsafeDecode(key) : undefined;
  if (bytes === undefined || bytes.length !== 32) throw new FernetError(INVALID_KEY_MESSAGE);
  return {signingKey: bytes.subarray(0, 16), encryptionKey: bytes.subarray(16)};
}

/** True when `key` is a usable Fernet key (32 bytes after url-safe base64 decoding). */
export function isFernetKey(key: string): boolean {
  const bytes = typeof key === 'string' ? urlsafeDecode(key) : undefined;
  return bytes !== undefined && bytes.length === 32;
}

/** Throws FernetError unless `key` is a usable Fernet key. */
export function assertFernetKey(key: string): void {
  splitKey(key);
}

/** A new random key, in the exact form Fernet.generate_key() gives (44 characters, one `=`). */
export function generateFernetKey(): string {
  return urlsafeEncode(randomBytes(32));
}

export interface FernetEncryptOptions {
  /** Unix time in seconds written into the token (default: now). Fixed only by tests. */
  time?: number;
  /** The 16-byte IV (default: random). Fixed only by tests: never reuse an IV. */
  iv?: Buffer;
}

/** Encrypts the UTF-8 bytes of `plaintext` into a Fernet token. */
export function fernetEncrypt(key: string, plaintext: string, options: FernetEncryptOptions = {}): string {
  const {signingKey, encryptionKey} = splitKey(key);
  const iv = options.iv ?? randomBytes(16);
  if (iv.length !== 16) throw new FernetError('Invalid Fernet IV: it must be 16 bytes');
  const time = options.time ?? Math.floor(Date.now() / 1000);

  const header = Buffer.alloc(9);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(Math.floor(time)), 1);
  // Node's default auto-padding is PKCS7, which is what Fernet specifies.
  const cipher = createCipheriv('aes-128-cbc', encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const signed = Buffer.concat([header, iv, ciphertext]);
  const hmac = createHmac('sha256', signingKey).update(signed).digest();
  return urlsafeEncode(Buffer.concat([signed, hmac]));
}

export interface FernetDecryptOptions {
  /**
   * Refuse tokens older than this many seconds. Off by default, like 1.0.12, which keeps
   * proxy credentials for as long as the config lives.
   */
  ttl?: number;
  /** "Now" in Unix seconds for the ttl check (default: the clock). */
  now?: number;
}

/** Decrypts a Fernet token made with `key` and returns its UTF-8 plaintext. */
export function fernetDecrypt(key: string, token: string, options: FernetDecryptOptions = {}): string {
  const {signingKey, encryptionKey} = splitKey(key);
  const data = typeof token === 'string' ? urlsafeDecode(token) : undefined;
  // A token holds at least one cipher block, and the ciphertext is whole blocks.
  if (
    data === undefined ||
    data.length < HEADER_LENGTH + BLOCK_LENGTH + HMAC_LENGTH ||
    data[0] !== VERSION ||
    (data.length - HEADER_LENGTH - HMAC_LENGTH) % BLOCK_LENGTH !== 0
  ) {
    throw new FernetError(INVALID_TOKEN_MESSAGE);
  }

  // Authenticate before decrypting anything; the comparison takes the same time wherever the
  // bytes differ so that it leaks nothing about the expected HMAC.
  const signed = data.subarray(0, data.length - HMAC_LENGTH);
  const expected = createHmac('sha256', signingKey).update(signed).digest();
  if (!timingSafeEqual(expected, data.subarray(data.length - HMAC_LENGTH))) {
    throw new FernetError(INVALID_TOKEN_MESSAGE);
  }

  if (options.ttl !== undefined) {
    const issued = Number(data.readBigUInt64BE(1));
    const now = options.now ?? Math.floor(Date.now() / 1000);
    if (issued + options.ttl < now) throw new FernetError('Invalid Fernet token: it has expired');
  }

  try {
    const decipher = createDecipheriv('aes-128-cbc', encryptionKey, data.subarray(9, HEADER_LENGTH));
    const plain = Buffer.concat([decipher.update(data.subarray(HEADER_LENGTH, data.length - HMAC_LENGTH)), decipher.final()]);
    // fatal: a plaintext that is not UTF-8 is an error, not silently replaced characters;
    // ignoreBOM keeps a leading U+FEFF, as Python's bytes.decode() does.
    return new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(plain);
  } catch (error) {
    throw new FernetError(INVALID_TOKEN_MESSAGE, {cause: error});
  }
}
