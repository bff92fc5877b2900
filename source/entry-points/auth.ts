/** `netunnel/auth`: what an auth plugin implements (`--auth-plugin <module>#<ExportName>`), and the no-auth default. */
export type {ServerAuth, ClientAuth, AuthRequest, AuthResponse, AuthTransport, ServerAuthClass, ClientAuthClass} from '../auth/contract.js';
export {NoAuthServer, NoAuthClient} from '../auth/no-auth.js';
export {SecretServerAuth, SecretClientAuth} from '../auth/secret-auth.js';
