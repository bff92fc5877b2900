/** Errors that map to an HTTP status and a `{"error": ...}` body (with `"data"` when given). */
import {NetunnelError} from '../../protocol/errors.js';
import type {LimitName} from '../limits/server-limits.js';

/** Statuses that 1.0.12 (aiohttp) answers in plain text, `404: Not Found`, in strict mode. */
export type PlainStatus = 400 | 403 | 404 | 405 | 408 | 431;

export class HttpError extends NetunnelError {
  /** A routing, auth or HTTP-level refusal that 1.0.12 answers in plain text (see the server's strict mode). */
  plain = false;

  constructor(
    readonly status: number,
    message: string,
    code = `NETUNNEL_ERR_HTTP_${status}`,
    /** Sent as the body's `data` (1.0.12's error bodies may carry one). */
    readonly data?: unknown,
  ) {
    super(code, message);
  }

  static plain(status: PlainStatus, message: string): HttpError {
    const error = new HttpError(status, message);
    error.plain = true;
    return error;
  }
}

/** A request refused because it would pass one of the server's limits (counted in /metrics). */
export class LimitError extends HttpError {
  constructor(
    readonly limit: LimitName,
    status: 408 | 413 | 429 | 431 | 503,
    message: string,
  ) {
    super(status, message, 'NETUNNEL_ERR_LIMIT');
    this.plain = status === 408 || status === 431;
  }
}

export const badRequest = (message: string) => new HttpError(400, message, 'NETUNNEL_ERR_BAD_REQUEST');

/** An unexpected failure for the log: its stack (never sent to a client). */
export function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
