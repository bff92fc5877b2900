/**
 * How the server answers what a request handler throws, in one place: an HttpError has its
 * status, a BodyError is 400, a domain error (server-errors.ts) has its code's status below.
 * Anything else is an unexpected failure: no status here, so the handler logs it and answers 500.
 *
 * 1.0.12 answers most failures 500 (PROTOCOL.md 2); ours are more precise where a 1.0.12 client
 * cannot tell the difference (it only reads the `{"error": ...}` body), and keep 1.0.12's
 * statuses where it has a precise one (400 for a duplicate peer name, 404 for an unknown peer).
 */
import {BodyError, errorBody, messageOf, type ErrorBody} from '../../protocol/errors.js';
import {ServerError, type ServerErrorCode} from '../server-errors.js';
import {HttpError} from './http-errors.js';

export const STATUS_OF_CODE: Readonly<Record<ServerErrorCode, number>> = {
  NETUNNEL_ERR_NOT_STARTED: 503,
  NETUNNEL_ERR_UNKNOWN_CHANNEL: 404,
  NETUNNEL_ERR_UNKNOWN_TUNNEL: 404,
  NETUNNEL_ERR_CHANNEL_STATE: 409,
  NETUNNEL_ERR_ENTRANCE_UNAVAILABLE: 409,
  NETUNNEL_ERR_DESTINATION_NOT_ALLOWED: 403,
  NETUNNEL_ERR_ENTRANCE_NOT_ALLOWED: 403,
  NETUNNEL_ERR_TUNNEL_STATE: 409,
  NETUNNEL_ERR_UNKNOWN_CONNECTION: 404,
  NETUNNEL_ERR_NOT_CHANNEL_OWNER: 403,
  NETUNNEL_ERR_UNREQUESTED_WEBSOCKET: 409,
  NETUNNEL_ERR_BAD_WEBSOCKET_TOKEN: 403,
  NETUNNEL_ERR_UNKNOWN_PEER: 404,
  NETUNNEL_ERR_UNKNOWN_STATIC_TUNNEL: 404,
  NETUNNEL_ERR_PEER_EXISTS: 400,
  NETUNNEL_ERR_INVALID_AUTH_DATA: 400,
  NETUNNEL_ERR_STORED_AUTH_REFUSED: 409,
  NETUNNEL_ERR_PEER_AUTH: 403,
  NETUNNEL_ERR_PEER_UNREACHABLE: 502,
  NETUNNEL_ERR_PEER_REFUSED: 400,
  NETUNNEL_ERR_PEER_SETTINGS: 500,
  NETUNNEL_ERR_NO_FREE_PORT: 409,
  NETUNNEL_ERR_PROXY_CREDENTIALS: 500,
  NETUNNEL_ERR_PROXY_CHECK: 502,
};

/** The status of a refusal; undefined for an unexpected failure (to be logged, and answered 500). */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpError) return error.status;
  if (error instanceof BodyError) return 400;
  if (error instanceof ServerError) return STATUS_OF_CODE[error.code];
  return undefined;
}

/** The `{"error": ...}` body of a failure, with the `data` of a refusal that has some. */
export function errorBodyOf(error: unknown): ErrorBody {
  const data = error instanceof HttpError || error instanceof ServerError ? error.data : undefined;
  return errorBody(messageOf(error), data);
}
