/**
 * What the three entry points share: one-line failures with the exit code of the policy
 * (source/exit-codes.ts), the log format, and a clean shutdown on Ctrl-C / SIGTERM. The only
 * place that exits the process.
 */
import type {ClientTlsOptions} from '../client/server-transport.js';
import {readClientTlsFiles} from '../client/tls-files.js';
import type {Logger} from '../engine/logger.js';
import {EXIT, UsageError, exitCodeOf, failureLine} from '../exit-codes.js';

/** Prints `<command>: <message>` on stderr and exits; never a stack trace. */
export function fail(command: string, error: unknown): never {
  process.stderr.write(`${command}: ${failureLine(error)}\n`);
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
      () => process.exit(EXIT.failure),
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
