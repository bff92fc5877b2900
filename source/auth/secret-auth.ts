/**
 * The built-in auth plugin (`--auth-plugin secret`): a shared secret and short-lived JWTs,
 * on the wire exactly like NETunnel 1.0.12's example plugin, so that each half works with a
 * 1.0.12 server or client running that plugin with the same secret:
 *
 *   1. the client sends `POST /authenticate {"secret": S}`;
 *   2. the server compares S with its secret in constant time and answers `{"token": JWT}`:
 *      HS256, signed with the secret, claim `exp` = now + 30 s (a float, as 1.0.12's
 *      `time.time() + 30`); a wrong secret gets 403 `403: Forbidden` (1.0.12's text);
 *   3. the client sends `Authorization: Bearer <JWT>` with every request and websocket
 *      upgrade, and fetches a new token shortly before its token expires.
 *
 * Both halves take `{"secret": "..."}` or `{"secret_file": "/path"}` (secret-source.ts).
 */
import {createHash, timingSafeEqual} from 'node:crypto';
import {SignJWT, jwtVerify} from 'jose';
import {z} from 'zod';
import type {AuthRequest, AuthResponse, AuthTransport, ClientAuth, ServerAuth} from './contract.js';
import {secretOf, type Secret, type SecretSourceOptions} from './secret-source.js';

/** This plugin's `POST /authenticate`: the secret asked, the token answered (PROTOCOL.md 6 leaves both to the plugin). */
const secretBody = z.object({secret: z.string()});
const tokenAnswer = z.object({token: z.string()});

/** How long a token is valid (1.0.12: 30 s). */
export const TOKEN_LIFETIME_SECONDS = 30;

/** A client asks for a new token this long before its token expires, so that no request is sent with a token about to expire. */
const RENEW_BEFORE_SECONDS = 5;

/** aiohttp's HTTPForbidden text, which 1.0.12's plugin answers. */
const FORBIDDEN: AuthResponse = {status: 403, body: undefined, text: '403: Forbidden'};

/** True when both strings are equal, in a time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  // Digests have the same length whatever the inputs, as timingSafeEqual requires.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function keyOf(secret: Secret): Uint8Array {
  return new TextEncoder().encode(secret.value);
}

/** Checks a token: signed with the key (HS256 only) and not expired; resolves with its `exp`, or null. */
async function verifiedExpiry(token: string, key: Uint8Array): Promise<number | null> {
  try {
    const {payload} = await jwtVerify(token, key, {algorithms: ['HS256'], requiredClaims: ['exp']});
    return payload.exp ?? null;
  } catch {
    return null;
  }
}

export class SecretServerAuth implements ServerAuth {
  private readonly secret: Secret;
  private readonly key: Uint8Array;

  constructor(
    authData: Record<string, unknown>,
    private readonly options: SecretSourceOptions = {},
  ) {
    this.secret = secretOf(authData, options);
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
    const given = secretBody.safeParse(body);
    if (!given.success || !sameSecret(given.data.secret, this.secret.value)) return FORBIDDEN;
    // The wall clock with sub-millisecond digits (from the monotonic clock), like time.time(): a float even at a whole second.
    const now = (Date.now() + (performance.now() % 1)) / 1000;
    const token = await new SignJWT({exp: now + TOKEN_LIFETIME_SECONDS}).setProtectedHeader({alg: 'HS256', typ: 'JWT'}).sign(this.key);
    return {status: 200, body: {token}};
  }

  /** Toward a peer, this server is a client with the peer's `auth_data` (`{"secret": ...}` only: it comes over the API). */
  getClientForPeer(authData: Record<string, unknown>): ClientAuth {
    return new SecretClientAuth(authData, {...this.options, allowFile: false});
  }
}

export class SecretClientAuth implements ClientAuth {
  private readonly secret: Secret;
  private readonly key: Uint8Array;
  private token: string | undefined;
  private expiresAt = 0;

  constructor(authData: Record<string, unknown>, options: SecretSourceOptions = {}) {
    this.secret = secretOf(authData, options);
    this.key = keyOf(this.secret);
  }

  async authenticate(transport: AuthTransport): Promise<void> {
    let answer: unknown;
    try {
      answer = await transport.requestWithoutAuth('POST', '/authenticate', {secret: this.secret.value});
    } catch (error) {
      // The client library reports it as "Authentication failed: <this message>" (a 403).
      if (typeof error === 'object' && error !== null && 'status' in error && error.status === 403) throw new Error('the server refused the secret');
      throw error;
    }
    const parsed = tokenAnswer.safeParse(answer);
    if (!parsed.success) throw new Error('The server answered /authenticate without a token');
    const token = parsed.data.token;
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

  /** What rebuilds this client: `{"secret": ...}`, or `{"secret_file": <absolute path>}` (never the file's content). */
  dumpObject(): Record<string, unknown> {
    return structuredClone(this.secret.authData);
  }
}
