/**
 * An auth plugin for tests that tells clients apart: each user has its own secret, sent as
 * `x-netunnel-user` and `x-netunnel-secret`; clientIdentity names the user.
 */
import type {AuthRequest, AuthResponse, ClientAuth, ServerAuth} from '../../source/auth/contract.js';

export class UserAuthServer implements ServerAuth {
  constructor(private readonly users: Record<string, string>) {}

  isAuthenticated(request: AuthRequest): boolean {
    const user = request.headers['x-netunnel-user'];
    return typeof user === 'string' && Object.hasOwn(this.users, user) && request.headers['x-netunnel-secret'] === this.users[user];
  }

  clientIdentity(request: AuthRequest): string | undefined {
    const user = request.headers['x-netunnel-user'];
    return typeof user === 'string' ? user : undefined;
  }

  authenticate(): AuthResponse {
    return {status: 200, body: {}};
  }

  getClientForPeer(authData: Record<string, unknown>): ClientAuth {
    if (typeof authData.user !== 'string' || typeof authData.secret !== 'string') throw new Error('auth_data needs `user` and `secret`');
    return new UserAuthClient(authData.user, authData.secret);
  }
}

export class UserAuthClient implements ClientAuth {
  constructor(
    private readonly user: string,
    private readonly secret: string,
  ) {}

  async authenticate(): Promise<void> {}

  isAuthenticated(): boolean {
    return true;
  }

  getAuthorizedHeaders(): Record<string, string> {
    return {'x-netunnel-user': this.user, 'x-netunnel-secret': this.secret};
  }

  dumpObject(): Record<string, unknown> {
    return {user: this.user, secret: this.secret};
  }
}
