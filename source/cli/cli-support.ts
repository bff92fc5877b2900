/**
 * What the three entry points share: one-line failures with the right exit code, the log
 * format, and a clean shutdown on Ctrl-C / SIGTERM. The only place that exits the process.
 */
import meow, {type AnyFlags} from 'meow';
import type {ClientTlsOptions} from '../client/server-transport.js';
import {readClientTlsFiles} from '../client/tls-files.js';
import type {Logger} from '../engine/logger.js';
import {NetunnelError, messageOf} from '../protocol/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in what the user typed or configured: one line, exit 2. */
export class UsageError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_USAGE', message);
  }
}

/** A failure to report in one line with exit 1 (e.g. the port is taken). */
export class CommandError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_COMMAND', message);
  }
}

/** Errors whose cause is the user's input (flags, plugin, config file): exit 2. */
const USAGE_CODES = new Set([
  'NETUNNEL_ERR_USAGE',
  'NETUNNEL_ERR_AUTH_PLUGIN',
  'NETUNNEL_ERR_CONFIG',
  'NETUNNEL_ERR_SECRET_KEY',
  'NETUNNEL_ERR_FERNET',
  'NETUNNEL_ERR_TLS_MATERIAL',
]);

export function exitCodeOf(error: unknown): number {
  return error instanceof NetunnelError && USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILURE;
}

/** Prints `<command>: <message>` on stderr and exits; never a stack trace for our errors. */
export function fail(command: string, error: unknown): never {
  const known = error instanceof NetunnelError || (error as NodeJS.ErrnoException)?.code !== undefined;
  const message = known ? messageOf(error) : `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${command}: ${message.split('\n')[0]}\n`);
  process.exit(exitCodeOf(error));
}

/** Log lines on stderr: `2026-11-27 14:30:00 INFO message`. */
export function createCliLogger(debug: boolean): Logger {
  const write = (level: string) => (message: string) => {
    const time = new Date().toISOString().replace('T', ' ').slice(0, 19);
    process.stderr.write(`${time} ${level} ${message}\n`);
  };
  return {
    debug: debug ? write('DEBUG') : () => {},
    info: write('INFO'),
    warn: write('WARNING'),
    error: write('ERROR'),
  };
}

/**
 * Calls `first` on the first SIGINT/SIGTERM; a later one exits at once (130 / 143), so a stuck
 * shutdown never traps the user. One thing is not the user's second signal: `conf` (through
 * atomically's when-exit) listens with `process.once` and, after its own clean-up, raises the
 * signal it saw again. So each such one-time listener that was there before ours, and has run
 * by the time ours runs, makes the next same signal an echo, ignored.
 */
export function onInterruptSignals(first: (signal: NodeJS.Signals) => void, signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): void {
  const earlier = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  let firstSignal: NodeJS.Signals | undefined;
  let echoes = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (firstSignal === undefined) {
      firstSignal = signal;
      const now = process.listeners(signal);
      echoes = (earlier.get(signal) ?? []).filter((listener) => !now.includes(listener)).length;
      first(signal);
      return;
    }
    if (signal === firstSignal && echoes > 0) {
      echoes -= 1;
      return;
    }
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  };
  for (const signal of signals) process.on(signal, handler);
}

/** Runs `shutdown` on the first SIGINT/SIGTERM and exits with its code (see onInterruptSignals). */
export function onShutdownSignal(shutdown: () => Promise<number>): void {
  onInterruptSignals(() => {
    shutdown().then(
      (code) => process.exit(code),
      () => process.exit(EXIT_FAILURE),
    );
  });
}

/** Runs `reload` on each SIGHUP (one at a time: a SIGHUP during a reload runs it again after). */
export function onReloadSignal(reload: () => Promise<void>): void {
  let running: Promise<void> = Promise.resolve();
  process.on('SIGHUP', () => {
    running = running.then(reload, reload);
  });
}

/** The flags of every command that talks to a server: auth plugin, TLS, HTTP proxy. */
export const CONNECTION_FLAGS = {
  authPlugin: {type: 'string'},
  authData: {type: 'string', default: '{}'},
  sslValidate: {type: 'boolean', default: true},
  caFile: {type: 'string'},
  tlsCert: {type: 'string'},
  tlsKey: {type: 'string'},
  proxyUrl: {type: 'string'},
  proxyUsername: {type: 'string'},
  proxyPassword: {type: 'string'},
} as const;

/** `--ca-file`, `--tls-cert` and `--tls-key` read (a file that cannot be used is a usage error). */
export function connectionTls(flags: {caFile?: string | undefined; tlsCert?: string | undefined; tlsKey?: string | undefined}): Promise<ClientTlsOptions | undefined> {
  return readClientTlsFiles({caFile: flags.caFile, certFile: flags.tlsCert, keyFile: flags.tlsKey});
}

/** A TCP port flag: an integer in [min, 65535]. */
export function checkPort(value: number | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > 65535) {
    throw new UsageError(`--${flag} must be an integer from ${min} to 65535`);
  }
  return value;
}

/**
 * `--heartbeat-interval SECONDS` (decimals allowed, e.g. 0.5): the ping interval in ms, or
 * undefined when not given (the library's default, 20 s, then applies).
 */
export function checkHeartbeatInterval(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!Number.isFinite(seconds) || seconds < 0.05 || seconds > 3600) {
    throw new UsageError('--heartbeat-interval must be a number of seconds from 0.05 to 3600');
  }
  return Math.round(seconds * 1000);
}

/** Exits 0 once stdout is flushed (process.exit could cut a pending write to a slow pipe). */
export function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

/**
 * meow with our rules: an unknown flag is a one-line usage error (meow's own message spans
 * several lines), and `--help` / `--version` print and exit 0 as usual.
 */
export function parseCommandLine<Flags extends AnyFlags>(help: string, flags: Flags, argv: string[], importMeta: ImportMeta) {
  const cli = meow(help, {importMeta, argv, flags, allowUnknownFlags: true, booleanDefault: undefined});
  const known = new Set<string>();
  for (const [name, spec] of Object.entries(flags)) {
    known.add(name);
    const {shortFlag, aliases} = spec as {shortFlag?: string; aliases?: string[]};
    if (shortFlag) known.add(shortFlag);
    for (const alias of aliases ?? []) known.add(alias);
  }
  for (const name of Object.keys(cli.unnormalizedFlags)) {
    if (!known.has(name)) {
      const kebab = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      throw new UsageError(`Unknown flag ${kebab.length === 1 ? '-' : '--'}${kebab} (see --help)`);
    }
  }
  return cli;
}
