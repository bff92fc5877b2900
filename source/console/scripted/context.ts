/**
 * What a scripted command is given and what it is: its spec (spec.ts) with its handler next
 * to it, the context it runs in, and the two ways it speaks (a usage error, a change done).
 */
import type {AuthWarning} from '../../auth/load-plugin.js';
import type {Logger} from '../../engine/logger.js';
import {EXIT, UsageError} from '../../exit-codes.js';
import type {ManagementApi} from '../../client/management-api.js';
import type {ServerTarget} from '../server-handle.js';
import type {ConsoleSettings} from '../settings.js';
import type {OptionValues} from './args.js';
import type {Output, TextSink} from './output.js';
import {usageLine, type CommandSpec} from './spec.js';

export const PROGRAM = 'netunnel-tui';

export interface ScriptedIo {
  stdout: TextSink & {isTTY?: boolean};
  stderr: TextSink;
  /** Where relative auth plugin paths are resolved (default process.cwd()). */
  cwd?: string;
  /** Aborted on SIGINT/SIGTERM: ends `open` and `watch` cleanly, interrupts the others. */
  signal?: AbortSignal;
  /** The log of `open` (the client's messages); `debug` with -d. Default: none. */
  createLogger?: (debug: boolean) => Logger;
  /** Builds a server's API (default: a ManagementClient). */
  createApi?: (target: ServerTarget) => ManagementApi;
}

export interface CommandContext {
  command: CommandSpec;
  args: string[];
  values: OptionValues;
  output: Output;
  io: ScriptedIo;
  cwd: string;
  signal: AbortSignal;
  settings(): Promise<ConsoleSettings>;
  /** A line on stderr the user should read, without failing the command. */
  warn: AuthWarning;
}

/** Runs the command; resolves with its exit code, or throws (the error's code is the policy's). */
export type CommandHandler = (context: CommandContext) => Promise<number>;

/** A command: its name, arguments, options and help, and what runs it. */
export interface ScriptedCommand extends CommandSpec {
  run: CommandHandler;
}

/** A mistake in the command line: its message, then the command's usage line. */
export function usage(context: CommandContext, message: string): UsageError {
  return new UsageError(message, usageLine(context.command));
}

/** A change done: one line of text, or with --json the object changed. */
export function printChange(context: CommandContext, text: string, json: unknown): number {
  if (context.output.json) context.output.document(json);
  else context.output.line(text);
  return EXIT.ok;
}

export function oneLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
