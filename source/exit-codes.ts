/**
 * How every command ends, one policy for netunnel-server, netunnel-client and netunnel-tui
 * (both the console and its scripted mode): 0 done, 1 a failure at run time (a port taken, a
 * server unreachable or refusing, a connection lost), 2 a mistake in what the user typed or
 * configured (a flag, an argument, the auth plugin, the config file), 130 interrupted.
 *
 * It sits below cli/ and console/ (it imports protocol/ only), so that the scripted mode,
 * which never exits the process, chooses its codes by the same rules as the entry points.
 */
import {NetunnelError, messageOf} from './protocol/errors.js';

export const EXIT = {ok: 0, failure: 1, usage: 2, interrupted: 130} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in the command line: one line (and, in scripted mode, the command's usage line), exit 2. */
export class UsageError extends NetunnelError {
  constructor(
    message: string,
    /** The usage line to print under the message (none: the message alone). */
    readonly usage?: string,
  ) {
    super('NETUNNEL_ERR_USAGE', message);
  }
}

/** A failure at run time to report in one line, exit 1 (e.g. the port is taken). */
export class CommandError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_COMMAND', message);
  }
}

/** A short command interrupted by SIGINT/SIGTERM before it finished: exit 130. */
export class InterruptedError extends NetunnelError {
  constructor() {
    super('NETUNNEL_ERR_INTERRUPTED', 'Interrupted');
  }
}

/**
 * Error codes whose cause is the user's input: the command line (usage, a value that does
 * not validate), the auth plugin it names, the config file or secret key it points at, the
 * console's settings file.
 */
const USAGE_CODES: ReadonlySet<string> = new Set([
  'NETUNNEL_ERR_USAGE',
  'NETUNNEL_ERR_INVALID_INPUT',
  'NETUNNEL_ERR_AUTH_PLUGIN',
  'NETUNNEL_ERR_TLS_MATERIAL',
  'NETUNNEL_ERR_CONFIG',
  'NETUNNEL_ERR_SETTINGS',
  'NETUNNEL_ERR_SECRET_KEY',
  'NETUNNEL_ERR_FERNET',
]);

export function exitCodeOf(error: unknown): ExitCode {
  if (!(error instanceof NetunnelError)) return EXIT.failure;
  if (error.code === 'NETUNNEL_ERR_INTERRUPTED') return EXIT.interrupted;
  return USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failure;
}

/**
 * The one line a command prints for an error: its message for ours and for the system's
 * (errno codes); anything else is a bug, said so, with its name (never a stack trace).
 */
export function failureLine(error: unknown): string {
  const known = error instanceof NetunnelError || (error instanceof Error && 'code' in error && error.code !== undefined);
  const text = known ? messageOf(error) : `unexpected error: ${String(error)}`;
  return text.split('\n')[0]!.trim();
}
