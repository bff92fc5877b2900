/** Running our CLIs as real child processes. */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {fileURLToPath} from 'node:url';

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
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 9)));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of `${out}\n${err}`.split('\n')) {
            const found = line.match(pattern);
            if (found) {
              listeners.delete(check);
              clearTimeout(timer);
              resolve(found);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`No line matching ${pattern} within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => setImmediate(check));
        check();
      });
    },
  };
}

/** Runs a CLI to completion. */
export async function runCli(command: 'netunnel-server' | 'netunnel-client' | 'netunnel-tui', args: string[], env: NodeJS.ProcessEnv = {}) {
  const running = startCli(command, args, env);
  const code = await running.exited;
  return {code, stdout: running.stdout(), stderr: running.stderr()};
}
