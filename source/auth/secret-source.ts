/**
 * Where the built-in secret plugin finds its secret: in the auth data itself,
 * `{"secret": "..."}` (1.0.12's form), or in a file, `{"secret_file": "/path"}`, so that the
 * secret stays out of shell history and process lists.
 *
 * The file holds the secret; line breaks at its end are not part of it (what `echo` and
 * editors add). A relative path is taken from the working directory and kept absolute. A
 * file that other users can read is used, with a warning. A peer's `auth_data` arrives over
 * the REST API and is stored in the config: it may only hold `secret`, never make the
 * server read a file of its choosing (and send its content to a URL of its choosing).
 */
import {readFileSync, statSync} from 'node:fs';
import {resolve} from 'node:path';

export interface SecretSourceOptions {
  /** Where a relative `secret_file` is looked for (default: the working directory). */
  cwd?: string | undefined;
  /** Told about a secret file that other users can read. */
  warn?: ((message: string) => void) | undefined;
  /** False for a peer's `auth_data`: `secret_file` is refused. Default true. */
  allowFile?: boolean | undefined;
}

export interface Secret {
  value: string;
  /** The auth data that finds this secret again (`dumpObject()`): the file, not its content. */
  authData: Record<string, unknown>;
}

const SHAPE = 'the auth data must be {"secret": "<a non-empty string>"} or {"secret_file": "<path>"}';
const PEER_SHAPE = 'the auth data of a peer must be {"secret": "<a non-empty string>"}';

/** The secret named by `authData`; throws (one line) when there is none to use. */
export function secretOf(authData: Record<string, unknown>, options: SecretSourceOptions = {}): Secret {
  const allowFile = options.allowFile ?? true;
  const keys = Object.keys(authData);
  const {secret, secret_file: file} = authData;
  if (keys.length === 1 && typeof secret === 'string' && secret !== '') return {value: secret, authData: {secret}};
  if (!allowFile || keys.length !== 1 || typeof file !== 'string' || file === '') throw new Error(allowFile ? SHAPE : PEER_SHAPE);
  const path = resolve(options.cwd ?? process.cwd(), file);
  let text: string;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read secret_file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') throw new Error(`secret_file ${path} is empty`);
  if ((mode & 0o044) !== 0) {
    options.warn?.(`secret_file ${path} can be read by other users (mode ${mode.toString(8)}): chmod 600 ${path}`);
  }
  return {value, authData: {secret_file: path}};
}
