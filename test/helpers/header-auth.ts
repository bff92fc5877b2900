/** A minimal auth plugin for tests: every request must carry `x-netunnel-secret: <secret>`. */
import type {AuthRequest, AuthResponse, ClientAuth, ServerAuth} from '../../source/auth/contract.js';

export class HeaderAuthServer implements ServerAuth {
  constructor(private readonly secret: string) {}

  isAuthenticated(request: AuthRequest): boolean {
    return request.headers['x-netunnel-secret'] === this.secret;
  }

  authenticate(): AuthResponse {
    return {status: 200, body: {}};
  }

  getClientForPeer(authData: Record<string, unknown>): ClientAuth {
    if (typeof authData.secret !== 'string') throw new Error('auth_data needs a string `secret`');
    return new HeaderAuthClient(authData.secret);
  }
}

export class HeaderAuthClient implements ClientAuth {
  constructor(private readonly secret: string) {}

  async authenticate(): Promise<void> {}

  isAuthenticated(): boolean {
    return true;
  }

  getAuthorizedHeaders(): Record<string, string> {
    return {'x-netunnel-secret': this.secret};
  }

  dumpObject(): Record<string, unknown> {
    return {secret: this.secret};
  }
}
