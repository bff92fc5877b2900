/**
 * Scripted mode (`netunnel-tui --no-tui COMMAND ...`): the console's commands without a
 * screen. runScripted parses the command line, runs the command's handler (commands/: each
 * parses its arguments, calls the console's command layer, the same functions the TUI calls,
 * and prints the result) and resolves with the exit code of the policy (source/exit-codes.ts):
 * 0 success, 1 a server refused or could not be reached, 2 bad usage, 130 interrupted.
 * It never exits the process itself, nor reads process.argv: the CLI hands everything in.
 */
import {EXIT, UsageError, exitCodeOf, failureLine, InterruptedError} from '../../exit-codes.js';
import {NO_SSL_VALIDATE_WARNING} from '../../client/server-transport.js';
import {IMPLEMENTATION_VERSION} from '../../protocol/version.js';
import type {ConsoleSettings} from '../settings.js';
import {booleanOption, parseCommandLine, stringOption, type ParsedCommandLine} from './args.js';
import {PROGRAM, type CommandContext, type ScriptedCommand, type ScriptedIo} from './context.js';
import {commandHelp, generalHelp, groupHelp} from './help.js';
import {Output, type TextSink} from './output.js';
import {usageLine, type CommandSpec} from './spec.js';

export type {ScriptedIo} from './context.js';

export async function runScripted(argv: string[], io: ScriptedIo): Promise<number> {
  let command: ScriptedCommand | undefined;
  const signal = io.signal ?? new AbortController().signal;
  try {
    const parsed: ParsedCommandLine = parseCommandLine(argv);
    command = parsed.command;
    if (parsed.help) {
      io.stdout.write(command ? commandHelp(command) : parsed.group ? groupHelp(parsed.group) : generalHelp());
      return EXIT.ok;
    }
    if (parsed.version || !command) {
      io.stdout.write(`${IMPLEMENTATION_VERSION}\n`);
      return EXIT.ok;
    }
    const values = parsed.values;
    const warn = (message: string) => io.stderr.write(`${PROGRAM}: warning: ${message}\n`);
    if (booleanOption(values, 'no-ssl-validate')) warn(NO_SSL_VALIDATE_WARNING);
    const mode = booleanOption(values, 'json') ? 'json' : io.stdout.isTTY ? 'table' : 'plain';
    const configDir = stringOption(values, 'config-dir');
    let settings: Promise<ConsoleSettings> | undefined;
    const context: CommandContext = {
      command,
      args: parsed.args,
      values,
      output: new Output(io.stdout, mode, booleanOption(values, 'ascii')),
      io,
      cwd: io.cwd ?? process.cwd(),
      signal,
      warn,
      settings: () =>
        (settings ??= import('../settings.js').then(({ConsoleSettings}) => new ConsoleSettings(configDir === undefined ? {} : {configDir}))),
    };
    const run = command.run(context);
    if (command.kind === 'one-long' || command.kind === 'all-long') return await run;
    return await untilInterrupted(run, signal);
  } catch (error) {
    return report(error, io.stderr, command);
  }
}

/** A short command gives up when interrupted (its servers' connections close with the process). */
function untilInterrupted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptedError());
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(new InterruptedError());
    signal.addEventListener('abort', onAbort, {once: true});
    work.then(resolvePromise, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One line on stderr (and the usage line for a mistake); the exit code is the policy's. */
function report(error: unknown, stderr: TextSink, command: CommandSpec | undefined): number {
  const code = exitCodeOf(error);
  if (code === EXIT.interrupted) return code;
  stderr.write(`${PROGRAM}: ${failureLine(error)}\n`);
  if (code === EXIT.usage) stderr.write(`${error instanceof UsageError && error.usage !== undefined ? error.usage : usageLine(command)}\n`);
  return code;
}
