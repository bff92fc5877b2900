/**
 * An auth plugin with a shared secret and short-lived JWTs: the wire behaviour of NETunnel
 * 1.0.12's example plugin (examples/secret-auth-plugin in claroty/netunnel), so that it
 * works with a 1.0.12 server or client running that plugin with the same secret.
 *
 *   1. The client sends `POST /authenticate {"secret": S}`.
 *   2. The server compares S with its secret (in constant time) and answers
 *      `{"token": JWT}`: HS256, signed with the secret, claim `exp` = now + 30 s;
 *      a wrong secret gets 403.
 *   3. The client sends `Authorization: Bearer <JWT>` with every request and websocket
 *      upgrade, and asks for a new token when its token has expired.
 *
 * Both halves are constructed with the `--auth-data` object, `{"secret": "..."}`; a peer's
 * `auth_data` is the same object.
 */
import {createHash, timingSafeEqual} from 'node:crypto';
import {SignJWT, jwtVerify} from 'jose';
import type {AuthRequest, AuthResponse, AuthTransport, ClientAuth, ServerAuth} from '../../source/index.js';

/** How long a token is valid (1.0.12: 30 s). */
export const TOKEN_LIFETIME_SECONDS = 30;

/** A client asks for a new token this long before its token expires, so that no request is sent with a token about to expire. */
const RENEW_BEFORE_SECONDS = 5;

function secretOf(authData: Record<string, unknown>): string {
  const secret = authData.secret;
  if (typeof secret !== 'string' || secret === '') throw new Error('the auth data must be {"secret": "<a non-empty string>"}');
  return secret;
}

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** True when both strings are equal, in a time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  // Digests have the same length whatever the inputs, as timingSafeEqual requires.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Checks a token: signed with the secret (HS256 only) and not expired; resolves with its `exp`, or null. */
async function verifiedExpiry(token: string, key: Uint8Array): Promise<number | null> {
  try {
    const {payload} = await jwtVerify(token, key, {algorithms: ['HS256'], requiredClaims: ['exp']});
    return payload.exp ?? null;
  } catch {
    return null;
  }
}

export class SecretServerAuth implements ServerAuth {
  private readonly secret: string;
  private readonly key: Uint8Array;

  constructor(authData: Record<string, unknown>) {
    this.secret = secretOf(authData);
    this.key = keyOf(this.secret);
  }

  /** Every route but /authenticate: `Authorization: Bearer <a valid token>`. */
  async isAuthenticated(request: AuthRequest): Promise<boolean> {
    const header = request.headers.authorization;
    if (typeof header !== 'string') return false;
    const parts = header.trim().split(/\s+/);
    if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'bearer') return false;
    return (await verifiedExpiry(parts[1]!, this.key)) !== null;
  }

  /** `POST /authenticate {"secret"}`: a token for the right secret, 403 otherwise. */
  async authenticate(_request: AuthRequest, body: unknown): Promise<AuthResponse> {
    const given = typeof body === 'object' && body !== null ? (body as {secret?: unknown}).secret : undefined;
    if (typeof given !== 'string' || !sameSecret(given, this.secret)) return {status: 403, body: {error: 'Forbidden'}};
    const token = await new SignJWT({})
      .setProtectedHeader({alg: 'HS256', typ: 'JWT'})
      .setExpirationTime(Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS)
      .sign(this.key);
    return {status: 200, body: {token}};
  }

  /** Toward a peer, this server is a client with the peer's `auth_data` (`{"secret": ...}`). */
  getClientForPeer(authData: Record<string, unknown>): ClientAuth {
    return new SecretClientAuth(authData);
  }
}

export class SecretClientAuth implements ClientAuth {
  private readonly secret: string;
  private readonly key: Uint8Array;
  private token: string | undefined;
  private expiresAt = 0;

  constructor(authData: Record<string, unknown>) {
    this.secret = secretOf(authData);
    this.key = keyOf(this.secret);
  }

  async authenticate(transport: AuthTransport): Promise<void> {
    let answer: unknown;
    try {
      answer = await transport.requestWithoutAuth('POST', '/authenticate', {secret: this.secret});
    } catch (error) {
      // The client library reports it as "Authentication failed: <this message>" (a 403).
      if ((error as {status?: unknown}).status === 403) throw new Error('the server refused the secret');
      throw error;
    }
    const token = typeof answer === 'object' && answer !== null ? (answer as {token?: unknown}).token : undefined;
    if (typeof token !== 'string') throw new Error('The server answered /authenticate without a token');
    const expiry = await verifiedExpiry(token, this.key);
    if (expiry === null) throw new Error('The server answered /authenticate with a token not signed with our secret');
    this.token = token;
    this.expiresAt = expiry;
  }

  isAuthenticated(): boolean {
    return this.token !== undefined && this.expiresAt - RENEW_BEFORE_SECONDS > Date.now() / 1000;
  }

  getAuthorizedHeaders(): Record<string, string> {
    return this.token === undefined ? {} : {Authorization: `Bearer ${this.token}`};
  }

  /** What a server stores as a peer's `auth_data` to rebuild this client. */
  dumpObject(): Record<string, unknown> {
    return {secret: this.secret};
  }
}
