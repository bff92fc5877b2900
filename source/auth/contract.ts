/**
 * The auth plugin contract of PROTOCOL.md section 6, in TypeScript.
 *
 * A plugin module exports a server half and/or a client half. Each is a class whose
 * constructor takes one argument: the JSON object given by `--auth-data` (or a peer's
 * `auth_data`).
 */
import type {IncomingMessage} from 'node:http';

/** What the server hands the plugin about a request. */
export interface AuthRequest {
  method: string;
  /** The path with its query string, without the server URL's prefix. */
  path: string;
  headers: IncomingMessage['headers'];
  remoteAddress: string | undefined;
}

/** The answer to `POST /authenticate`. */
export interface AuthResponse {
  status: number;
  /** Sent as JSON. */
  body: unknown;
  /** Sent as plain text instead of `body` (1.0.12's refusals are aiohttp's texts, e.g. `403: Forbidden`). */
  text?: string;
}

export interface ServerAuth {
  /** Checked on every route but `/authenticate`, websocket upgrades included. */
  isAuthenticated(request: AuthRequest): boolean | Promise<boolean>;
  /** Serves `POST /authenticate`; `body` is the parsed JSON body (undefined if none). */
  authenticate(request: AuthRequest, body: unknown): AuthResponse | Promise<AuthResponse>;
  /** Builds the client half this server uses toward a peer, from the peer's `auth_data`. */
  getClientForPeer(authData: Record<string, unknown>): ClientAuth | Promise<ClientAuth>;
  /**
   * Optional: who the client of an authenticated request is (a user name, a key id), for
   * plugins that can tell clients apart. The server then takes the websockets of a channel
   * (control and tunnels) only from the client that created it: same identity, as well as
   * same remote address. undefined: this request's client cannot be told (the address check
   * alone applies). Without the method every client counts as the same one. If it throws,
   * the request is refused (403).
   */
  clientIdentity?(request: AuthRequest): string | undefined | Promise<string | undefined>;
}

/** The transport a client half may use to talk to its server (e.g. `POST /authenticate`). */
export interface AuthTransport {
  /** Sends a JSON request to the server without auth headers and returns the parsed answer. */
  requestWithoutAuth(method: string, path: string, body?: unknown): Promise<unknown>;
}

export interface ClientAuth {
  authenticate(transport: AuthTransport): Promise<void>;
  isAuthenticated(): boolean | Promise<boolean>;
  /**
   * Headers added to every request and websocket upgrade. The client asks for them again only
   * once isAuthenticated() answered false and authenticate() ran: it reuses them meanwhile.
   */
  getAuthorizedHeaders(): Record<string, string> | Promise<Record<string, string>>;
  /** The `auth_data` that rebuilds this client half (stored in a peer). */
  dumpObject(): Record<string, unknown>;
}

export type ServerAuthClass = new (authData: Record<string, unknown>) => ServerAuth;
export type ClientAuthClass = new (authData: Record<string, unknown>) => ClientAuth;
