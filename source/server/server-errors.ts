/**
 * The server's domain errors: what the channel registry, the tunnels, the allowed
 * destinations, the peers and the global proxy refuse, each with a stable code. The domain
 * knows nothing of HTTP: the request handler answers a ServerError with the status that
 * http/error-status.ts gives its code, and the body `{"error": message}` (with `data`).
 *
 * Also here, the server's other errors: what stops it from starting (the config file, the
 * secret key: the user's to fix, exit 2) and a websocket that never came. They are no refusal
 * of a request: one met while answering is an unexpected failure (500, logged).
 */
import {NetunnelError} from '../protocol/errors.js';

export type ServerErrorCode =
  /** A request came before start() or after close(). */
  | 'NETUNNEL_ERR_NOT_STARTED'
  | 'NETUNNEL_ERR_UNKNOWN_CHANNEL'
  | 'NETUNNEL_ERR_UNKNOWN_TUNNEL'
  /** A channel that is already connected, or not yet. */
  | 'NETUNNEL_ERR_CHANNEL_STATE'
  /** A reverse tunnel's entrance that cannot listen (the port is taken, or not an address of this host). */
  | 'NETUNNEL_ERR_ENTRANCE_UNAVAILABLE'
  /** A forward tunnel's exit outside `allowed_tunnel_destinations`. */
  | 'NETUNNEL_ERR_DESTINATION_NOT_ALLOWED'
  /** A reverse or static tunnel's entrance outside `allowed_tunnel_entrances`. */
  | 'NETUNNEL_ERR_ENTRANCE_NOT_ALLOWED'
  /** A tunnel that is already draining. */
  | 'NETUNNEL_ERR_TUNNEL_STATE'
  /** A connection id of no open connection. */
  | 'NETUNNEL_ERR_UNKNOWN_CONNECTION'
  /** A channel's websocket from another client than the one that created the channel. */
  | 'NETUNNEL_ERR_NOT_CHANNEL_OWNER'
  /** A tunnel websocket when the tunnel asked for none. */
  | 'NETUNNEL_ERR_UNREQUESTED_WEBSOCKET'
  /** A tunnel websocket whose token answers no request of the tunnel (missing, used, expired or another's). */
  | 'NETUNNEL_ERR_BAD_WEBSOCKET_TOKEN'
  | 'NETUNNEL_ERR_UNKNOWN_PEER'
  | 'NETUNNEL_ERR_UNKNOWN_STATIC_TUNNEL'
  | 'NETUNNEL_ERR_PEER_EXISTS'
  /** The auth plugin refuses the auth_data given for a peer. */
  | 'NETUNNEL_ERR_INVALID_AUTH_DATA'
  /** The auth plugin refuses the auth_data stored for a peer. */
  | 'NETUNNEL_ERR_STORED_AUTH_REFUSED'
  /** The peer refused our auth. */
  | 'NETUNNEL_ERR_PEER_AUTH'
  /** The peer could not be reached (`data.reason` says why). */
  | 'NETUNNEL_ERR_PEER_UNREACHABLE'
  /** The peer refused the tunnel itself (e.g. a destination it does not allow). */
  | 'NETUNNEL_ERR_PEER_REFUSED'
  /** What it takes to reach a peer could not be had (an unexpected failure of the settings). */
  | 'NETUNNEL_ERR_PEER_SETTINGS'
  /** No free port left for a static tunnel. */
  | 'NETUNNEL_ERR_NO_FREE_PORT'
  /** The stored proxy credentials cannot be decrypted with the current secret key. */
  | 'NETUNNEL_ERR_PROXY_CREDENTIALS'
  /** A new global proxy failed its check. */
  | 'NETUNNEL_ERR_PROXY_CHECK';

/** A refusal of the server's domain. */
export class ServerError extends NetunnelError {
  declare readonly code: ServerErrorCode;

  constructor(
    code: ServerErrorCode,
    message: string,
    /** Sent as the error body's `data` (1.0.12's error bodies may carry one). */
    readonly data?: unknown,
  ) {
    super(code, message);
  }
}

/** A config file or NETUNNEL_<KEY> variable that cannot be used, or a change that cannot be saved. */
export class ConfigError extends NetunnelError {
  constructor(message: string, options?: {cause?: unknown}) {
    super('NETUNNEL_ERR_CONFIG', message, options);
  }
}

/** A secret key that is not a Fernet key. */
export class SecretKeyError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_SECRET_KEY', message);
  }
}

/** A reverse tunnel asked its client for a websocket that did not come in time. */
export class WebsocketArrivalTimeout extends NetunnelError {
  constructor(tunnelId: number, timeoutMs: number) {
    super('NETUNNEL_ERR_NO_WEBSOCKET', `The client sent no websocket for tunnel ${tunnelId} within ${timeoutMs} ms`);
  }
}
