/** What a client call can fail with: the server refused, or it could not be reached. */
import {NetunnelError} from '../protocol/errors.js';

/** The server answered with an error (its `{"error": ...}` message, or its text). */
export class ServerRefusedError extends NetunnelError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('NETUNNEL_ERR_REFUSED', message);
  }
}

/** No answer: connection refused, DNS, TLS, proxy failure, timeout. */
export class ServerUnreachableError extends NetunnelError {
  constructor(message: string, options?: {cause?: unknown}) {
    super('NETUNNEL_ERR_UNREACHABLE', message, options);
  }
}

/** A call that needs a connected channel was made without one. */
export class NotConnectedError extends NetunnelError {
  constructor(message = 'The client is not connected: call connect() first') {
    super('NETUNNEL_ERR_NOT_CONNECTED', message);
  }
}

/** A CA, certificate or key (or the file holding it) that cannot be read or used: the user's to fix. */
export class TlsMaterialError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_TLS_MATERIAL', message);
  }
}
