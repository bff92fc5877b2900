/**
 * Chooses the secret key that encrypts the secrets the server stores (the HTTP proxy's
 * credentials), in 1.0.12's order (PROTOCOL.md section 5):
 *   1. `--secret-key`: kept in memory only, never written to the config file;
 *   2. the NETUNNEL_SECRET_KEY environment variable (also never written);
 *   3. the config's `secret_key`;
 *   4. otherwise a new key, saved to the config so that the stored secrets stay readable
 *      after a restart. The caller is told, so that the CLI can log `Generating default secret-key`.
 * Call it again after a factory reset: the reset config has no key, so a new one is made
 * unless one comes from the command line or the environment.
 */
import {SecretKeyError} from '../server-errors.js';
import {generateFernetKey, isFernetKey} from '../../protocol/fernet.js';
import type {ConfigStore} from './config-store.js';

export type SecretKeySource = 'option' | 'environment' | 'config' | 'generated';

export interface SecretKeyChoice {
  key: string;
  source: SecretKeySource;
  /** True when the key was just made (and saved to the config). */
  generated: boolean;
}

export interface ResolveSecretKeyOptions {
  store: ConfigStore;
  /** The value of `--secret-key`, if given. */
  option?: string | undefined;
  /** Where NETUNNEL_SECRET_KEY is read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export const SECRET_KEY_ENV = 'NETUNNEL_SECRET_KEY';

export async function resolveSecretKey(options: ResolveSecretKeyOptions): Promise<SecretKeyChoice> {
  const {store} = options;
  const env = options.env ?? process.env;
  // As in 1.0.12: an empty --secret-key counts as not given, but a set variable is used even
  // when empty (and then refused), so that a misconfigured service fails instead of silently
  // running with another key.
  if (options.option !== undefined && options.option !== '') {
    return {key: checkSecretKey(options.option, '--secret-key'), source: 'option', generated: false};
  }
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined) {
    return {key: checkSecretKey(fromEnv, SECRET_KEY_ENV), source: 'environment', generated: false};
  }
  const fromConfig = store.get().secret_key;
  if (fromConfig !== undefined) {
    const origin = store.path === undefined ? 'the config' : `config file ${store.path}`;
    return {key: checkSecretKey(fromConfig, `secret_key in ${origin}`), source: 'config', generated: false};
  }

  // Decided inside the update: if another update saved a key first, that key is the one used.
  const candidate = generateFernetKey();
  const key = await store.update((config) => {
    config.secret_key ??= candidate;
    return config.secret_key;
  });
  return key === candidate
    ? {key, source: 'generated', generated: true}
    : {key: checkSecretKey(key, 'secret_key in the config'), source: 'config', generated: false};
}

/** Returns `key` when it is a Fernet key (32 bytes in url-safe base64); `origin` says where it came from. */
export function checkSecretKey(key: string, origin: string): string {
  if (!isFernetKey(key)) {
    throw new SecretKeyError(
      `Invalid secret key from ${origin}: it must be a Fernet key, 32 url-safe base64-encoded bytes (make one with \`netunnel-server keys generate\`)`,
    );
  }
  return key;
}
