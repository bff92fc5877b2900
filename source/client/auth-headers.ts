/**
 * The auth plugin's headers for every request and websocket of a client. They are asked for once
 * and kept while the plugin says it is authenticated (ClientAuth.getAuthorizedHeaders), so that a
 * websocket opened per tunnelled connection waits for nothing: they come at once (no promise)
 * when isAuthenticated() answers true synchronously. Whoever finds the plugin unauthenticated
 * meanwhile shares one authentication.
 */
import type {AuthTransport, ClientAuth} from '../auth/contract.js';
import {messageOf} from '../protocol/errors.js';
import {ServerRefusedError, ServerUnreachableError} from './client-errors.js';

type Headers = Record<string, string>;

export class AuthHeaders {
  private cached: Headers | undefined;
  private authenticating: Promise<void> | undefined;

  constructor(
    private readonly auth: ClientAuth,
    private readonly transport: AuthTransport,
  ) {}

  /** The headers; a refusal or failure of the plugin is a ServerRefusedError (403) naming it. */
  get(): Headers | Promise<Headers> {
    let authenticated: boolean | Promise<boolean>;
    try {
      authenticated = this.auth.isAuthenticated();
    } catch (error) {
      return Promise.reject(failure(error));
    }
    if (authenticated === true && this.cached) return this.cached;
    return this.fresh(authenticated);
  }

  private async fresh(authenticated: boolean | Promise<boolean>): Promise<Headers> {
    try {
      if (await authenticated) {
        if (this.cached) return this.cached;
      } else {
        this.cached = undefined;
        this.authenticating ??= Promise.resolve(this.auth.authenticate(this.transport)).finally(() => (this.authenticating = undefined));
        await this.authenticating;
      }
      const headers = {...(await this.auth.getAuthorizedHeaders())};
      this.cached = headers;
      return headers;
    } catch (error) {
      throw failure(error);
    }
  }
}

function failure(error: unknown): Error {
  if (error instanceof ServerRefusedError || error instanceof ServerUnreachableError) return error;
  return new ServerRefusedError(403, `Authentication failed: ${messageOf(error)}`);
}
