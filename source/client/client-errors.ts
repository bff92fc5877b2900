/** What a client call can fail with: the server refused, answered something else, or could not be reached. */
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

/**
 * The server answered a success that is not what the operation answers (protocol/operations.ts):
 * never taken for what it is not, and the message names the field at fault.
 */
export class BadAnswerError extends NetunnelError {
  constructor(
    /** The request, e.g. `GET /peers/1`. */
    readonly request: string,
    /** What is wrong, e.g. `static_tunnels.0.tunnel_local_port: expected number`. */
    readonly problem: string,
  ) {
    super('NETUNNEL_ERR_BAD_ANSWER', `${request} answered an unexpected body: ${problem}`);
  }
}

/** No answer: connection refused, DNS, TLS, proxy failure, timeout. */
export class ServerUnreachableError extends NetunnelError {
  constructor(message: string, options?: {cause?: unknown}) {
    super('NETUNNEL_ERR_UNREACHABLE', message, options);
  }
}

/**
 * What answers at the URL is not a NETunnel server (a web server, another service, a wrong
 * path): said once, plainly, instead of its answer taken for a refusal (`<!DOCTYPE HTML>`).
 */
export class NotNetunnelServerError extends NetunnelError {
  constructor(
    readonly serverUrl: string,
    /** What it answered instead, e.g. `GET /version answered 404 text/html`. */
    readonly evidence: string,
  ) {
    super('NETUNNEL_ERR_NOT_NETUNNEL', `${serverUrl} is not a NETunnel server (${evidence})`);
  }
}

/** A call that needs a connected channel was made without one. */
export class NotConnectedError extends NetunnelError {
  constructor(message = 'The client is not connected: call connect() first') {
    super('NETUNNEL_ERR_NOT_CONNECTED', message);
  }
}

/** connect() on a client whose channel is open already. */
export class AlreadyConnectedError extends NetunnelError {
  constructor(serverUrl: string) {
    super('NETUNNEL_ERR_ALREADY_CONNECTED', `Already connected to ${serverUrl}`);
  }
}

/** A tunnel id this client has no open tunnel by. */
export class TunnelNotOpenError extends NetunnelError {
  constructor(tunnelId: number) {
    super('NETUNNEL_ERR_UNKNOWN_TUNNEL', `Tunnel \`${tunnelId}\` is not open on this client`);
  }
}

/** A CA, certificate or key (or the file holding it) that cannot be read or used: the user's to fix. */
export class TlsMaterialError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_TLS_MATERIAL', message);
  }
}
