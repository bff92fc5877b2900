/** Running our CLIs as real child processes. */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {waitForOutputLine} from './output-lines.js';

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

export function startCli(command: 'netunnel-server' | 'netunnel-client' | 'netunnel-tui', args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', `source/cli/${command}.ts`, ...args], {
    cwd: ROOT,
    env: {...process.env, ...env},
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number>((resolve) => {
    // 'close', not 'exit': all of the output has been read by then.
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 9)));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine: (pattern, timeoutMs = 20_000) =>
      waitForOutputLine({text: () => `${out}\n${err}`, listeners, exited}, pattern, timeoutMs, () => `stdout: ${out}; stderr: ${err}`),
  };
}

/** Runs a CLI to completion. */
export async function runCli(command: 'netunnel-server' | 'netunnel-client' | 'netunnel-tui', args: string[], env: NodeJS.ProcessEnv = {}) {
  const running = startCli(command, args, env);
  const code = await running.exited;
  return {code, stdout: running.stdout(), stderr: running.stderr()};
}
