/**
 * The protocol layer's errors, and the base error of every layer. `code` is stable
 * (NETUNNEL_ERR_*) so that the CLI can map an error to a message and an exit code
 * (exit-codes.ts), and the server to an HTTP status (server/http/error-status.ts).
 */
export class NetunnelError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: {cause?: unknown}) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A frame or body that does not follow PROTOCOL.md. */
export class ProtocolError extends NetunnelError {
  constructor(message: string, options?: {cause?: unknown}) {
    super('NETUNNEL_ERR_PROTOCOL', message, options);
  }
}

/** A request body that does not follow PROTOCOL.md; the message names the field at fault. */
export class BodyError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_BAD_BODY', message);
  }
}

/** A bad Fernet key or a token that is malformed, tampered with, or made with another key. */
export class FernetError extends NetunnelError {
  constructor(message: string, options?: {cause?: unknown}) {
    super('NETUNNEL_ERR_FERNET', message, options);
  }
}

/** The `{"error": ...}` body every failed request answers (PROTOCOL.md section 2). */
export interface ErrorBody {
  error: string;
  data?: unknown;
}

export function errorBody(message: string, data?: unknown): ErrorBody {
  return data === undefined ? {error: message} : {error: message, data};
}

/** True when a parsed JSON answer is an error answer (1.0.12 clients test for the key). */
export function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'error' in value;
}

/** A readable message for anything thrown, without a stack trace. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
