/** The default: every request is allowed and no header is added. */
import type {AuthResponse, ClientAuth, ServerAuth} from './contract.js';

export class NoAuthServer implements ServerAuth {
  isAuthenticated(): boolean {
    return true;
  }

  authenticate(): AuthResponse {
    return {status: 200, body: {}};
  }

  getClientForPeer(): ClientAuth {
    return new NoAuthClient();
  }
}

export class NoAuthClient implements ClientAuth {
  async authenticate(): Promise<void> {}

  isAuthenticated(): boolean {
    return true;
  }

  getAuthorizedHeaders(): Record<string, string> {
    return {};
  }

  dumpObject(): Record<string, unknown> {
    return {};
  }
}
