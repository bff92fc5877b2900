/**
 * What a request that never reached a route is answered: Node's HTTP parser refused it
 * (malformed request line or headers, conflicting lengths, bad chunked encoding), its headers
 * were too large, or it took too long (headers, or the whole request). Node reports these as
 * the server's 'clientError'.
 */
import type {ServerLimits} from '../limits/server-limits.js';
import {HttpError, LimitError} from './http-errors.js';

/** The parser's errors carry a `reason` ("Invalid method encountered") next to their code. */
type ClientError = Error & {code?: string; reason?: string};

/** Codes of a connection that is gone: nobody to answer. */
const GONE = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_DESTROYED']);

/**
 * The refusal to answer, or undefined when the connection is gone. `requestStarted`: the
 * request's headers had come (a timeout is then the whole request's, not the headers').
 */
export function parserRefusal(error: ClientError, limits: ServerLimits, requestStarted: boolean): HttpError | undefined {
  const code = error.code ?? '';
  if (GONE.has(code)) return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new LimitError('header_bytes', 431, `Request line and headers larger than ${limits.header_bytes} bytes`);
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return requestStarted
      ? new LimitError('request_timeout_ms', 408, `The request did not arrive within ${limits.request_timeout_ms} ms`)
      : new LimitError('headers_timeout_ms', 408, `The request headers did not arrive within ${limits.headers_timeout_ms} ms`);
  }
  const reason = error.reason ?? error.message.replace(/^Parse Error: /, '');
  return HttpError.plain(400, `Bad request: ${reason}`);
}
