/** Running our CLIs as real child processes. */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {collectOutput, waitForOutputLine} from './output-lines.js';
import {within} from './streams.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout+stderr line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or 128+signal). */
  exited: Promise<number>;
}

export type Command = 'netunnel-server' | 'netunnel-client' | 'netunnel-tui';

/** A command's script in the build, as users run it (scripts/run-tests.mjs builds dist/ before the tests). */
export function builtCommand(command: Command): string {
  const script = `dist/cli/${command}.js`;
  if (!existsSync(join(ROOT, script))) throw new Error(`${script} is not built: run npm run build (scripts/run-tests.mjs builds it before the tests)`);
  return script;
}

export function startCli(command: Command, args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  return startProgram(process.execPath, [builtCommand(command), ...args], {cwd: ROOT, env});
}

/** Any program (e.g. a command installed from the packed package), watched like startCli's. */
export function startProgram(file: string, args: string[], options: {cwd: string; env?: NodeJS.ProcessEnv}): RunningCli {
  const child = spawn(file, args, {cwd: options.cwd, env: {...process.env, ...options.env}});
  const output = collectOutput(child);
  const exited = new Promise<number>((resolve) => {
    // 'close', not 'exit': all of the output has been read by then.
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 9)));
  });
  return {
    child,
    stdout: output.stdout,
    stderr: output.stderr,
    exited,
    waitForLine: (pattern, timeoutMs = 20_000) =>
      waitForOutputLine({...output, exited}, pattern, timeoutMs, () => `stdout: ${output.stdout()}; stderr: ${output.stderr()}`),
  };
}

/** Runs a CLI to completion; one that does not end within `timeoutMs` is killed and fails the test. */
export async function runCli(command: Command, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000) {
  const running = startCli(command, args, env);
  const code = await within(running.exited, timeoutMs, `${command} ${args.join(' ')} to exit`).catch((error: unknown) => {
    running.child.kill('SIGKILL');
    throw error;
  });
  return {code, stdout: running.stdout(), stderr: running.stderr()};
}

/** What `ps` shows for a running process (Linux: its /proc/PID/cmdline, as `ps -o args` reads it). */
export function processTitle(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.trim();
}
