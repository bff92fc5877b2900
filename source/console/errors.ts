/**
 * What a console command can fail with, besides the client's own errors
 * (ServerRefusedError: the server said no, with its message; ServerUnreachableError).
 * Each has a stable code so that the scripted mode can map it to an exit code:
 * NETUNNEL_ERR_INVALID_INPUT and NETUNNEL_ERR_SETTINGS are the user's to fix (exit 2), the others are
 * failures (exit 1).
 */
import {NetunnelError} from '../protocol/errors.js';

/** A value the user gave does not pass validation (a port, an address, a URL, a name). */
export class InvalidInputError extends NetunnelError {
  constructor(
    /** The field at fault, as a form or a command line names it. */
    readonly field: string,
    message: string,
  ) {
    super('NETUNNEL_ERR_INVALID_INPUT', message);
  }
}

/** The server lacks what the command needs: a 1.0.12 server, or ours with --no-extensions. */
export class UnsupportedByServerError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_UNSUPPORTED', message);
  }
}

/** A thing named by the user does not exist (a peer, a saved server, a tunnel). */
export class NotFoundError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_NOT_FOUND', message);
  }
}

/** A saved server name that is taken. */
export class AlreadyExistsError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_ALREADY_EXISTS', message);
  }
}

/** The settings file cannot be read as the console's settings (its message names the file and the field). */
export class SettingsError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_SETTINGS', message);
  }
}
