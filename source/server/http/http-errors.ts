/** Errors that map to an HTTP status and a `{"error": ...}` body (with `"data"` when given). */
import {NetunnelError} from '../../protocol/errors.js';

export class HttpError extends NetunnelError {
  /** A routing or auth refusal that 1.0.12 answers in plain text (see the server's strict mode). */
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

  static plain(status: 403 | 404 | 405, message: string): HttpError {
    const error = new HttpError(status, message);
    error.plain = true;
    return error;
  }
}

export const badRequest = (message: string) => new HttpError(400, message, 'NETUNNEL_ERR_BAD_REQUEST');
