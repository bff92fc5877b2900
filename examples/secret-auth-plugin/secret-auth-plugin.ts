/**
 * An auth plugin of your own, built on the built-in secret plugin (`--auth-plugin secret`):
 * the same wire behaviour (1.0.12's example plugin), with the secret taken from an
 * environment variable named in the auth data, `{"secret_env": "NETUNNEL_SECRET"}`.
 *
 * A plugin is a module exporting a server half (ServerAuth) and/or a client half
 * (ClientAuth), each constructed with the `--auth-data` object; `--auth-plugin` names them
 * as `<module path>#<ExportName>`. Any contract-keeping class will do (see
 * source/auth/contract.ts); extending the built-in ones saves writing the token logic.
 */
import {SecretClientAuth, SecretServerAuth} from '../../source/index.js';

/** `{"secret_env": NAME}` -> `{"secret": <the variable's value>}`; a plugin's constructor throws to refuse its auth data. */
function secretFromEnvironment(authData: Record<string, unknown>): {secret: string} {
  const name = authData.secret_env;
  if (typeof name !== 'string' || name === '') throw new Error('the auth data must be {"secret_env": "<an environment variable>"}');
  const secret = process.env[name];
  if (secret === undefined || secret === '') throw new Error(`the environment variable ${name} is not set`);
  return {secret};
}

/** Its peers keep 1.0.12's `{"secret": ...}` auth data (the built-in getClientForPeer). */
export class EnvSecretServerAuth extends SecretServerAuth {
  constructor(authData: Record<string, unknown>) {
    super(secretFromEnvironment(authData));
  }
}

export class EnvSecretClientAuth extends SecretClientAuth {
  private readonly variable: string;

  constructor(authData: Record<string, unknown>) {
    super(secretFromEnvironment(authData));
    this.variable = authData.secret_env as string;
  }

  /** What a saved server or a peer keeps: the variable's name, not the secret. */
  override dumpObject(): Record<string, unknown> {
    return {secret_env: this.variable};
  }
}
