/**
 * Websocket ownership tokens, our extension (feature `websocket-tokens`, announced in the
 * `features` of `POST /channels`; docs/websocket-ownership.md). Only between two sides that
 * both announced it; a 1.0.12 peer never sees any of these keys or headers.
 * - The channel secret: the server adds it to its `POST /channels` answer; the client presents
 *   it on every websocket of that channel, the control websocket included.
 * - The request token: the server adds one to each TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION; the
 *   websocket that answers that request brings it back. One-time, and it expires with its request.
 * Both are 32 random bytes in base64url (43 characters), carried in upgrade headers rather
 * than the query string: URLs end up in access logs and proxies' logs, and the route paths
 * (and the `path` an auth plugin sees) stay exactly 1.0.12's.
 */

/** Key of the `POST /channels` answer that carries the channel secret. */
export const CHANNEL_SECRET_KEY = 'channel_secret';
/** Key of TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION's `data` that carries the request token (after `tunnel_id`). */
export const REQUEST_TOKEN_KEY = 'token';

/** Upgrade request headers (lower case, as Node reports them). */
export const CHANNEL_SECRET_HEADER = 'x-netunnel-channel-secret';
export const REQUEST_TOKEN_HEADER = 'x-netunnel-token';

/** Random bytes in a channel secret or a request token (256 bits). */
export const TOKEN_BYTES = 32;
