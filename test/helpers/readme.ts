/**
 * Running an example's README as written: each shell block marked `<!-- test: NAME -->`
 * is run with bash, from the repository root, with the environment the README mentions
 * (PORT and friends) set to free ports.
 */
import {spawn} from 'node:child_process';
import {collectOutput, waitForOutputLine} from './output-lines.js';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The marked shell blocks of a README, by name. */
export function readmeCommands(readme: string): Map<string, string> {
  const text = readFileSync(join(ROOT, readme), 'utf8');
  const commands = new Map<string, string>();
  const pattern = /<!-- test: ([\w-]+) -->\n```sh\n([\s\S]*?)```/g;
  for (const [, name, body] of text.matchAll(pattern)) {
    if (commands.has(name!)) throw new Error(`${readme}: two blocks are called ${name}`);
    commands.set(name!, body!.trimEnd());
  }
  return commands;
}

export interface RunningShell {
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout/stderr line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The exit code (128 + signal number when killed). */
  exited: Promise<number>;
  /** Sends a signal to the whole command (its process group). */
  signal(signal: NodeJS.Signals): void;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {SIGINT: 2, SIGKILL: 9, SIGTERM: 15};

/** Starts `command` with bash in its own process group, so that a signal reaches every process of it. */
export function startShell(command: string, env: Record<string, string>): RunningShell {
  const child = spawn('bash', ['-c', command], {cwd: ROOT, env: {...process.env, ...env}, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
  const output = collectOutput(child);
  let running = true;
  const exited = new Promise<number>((resolve) => {
    // 'close', not 'exit': by then all of the output has been read (on a busy machine 'exit'
    // can come first, and a command's last line would be missing).
    child.on('close', (code, signal) => {
      running = false;
      resolve(code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0));
    });
  });
  return {
    stdout: output.stdout,
    stderr: output.stderr,
    exited,
    signal(signal) {
      if (running && child.pid !== undefined) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      }
    },
    waitForLine: (pattern, timeoutMs = 30_000) =>
      waitForOutputLine({...output, exited}, pattern, timeoutMs, () => `${command}\nstdout: ${output.stdout()}\nstderr: ${output.stderr()}`),
  };
}

/** Runs `command` to its end. */
export async function runShell(command: string, env: Record<string, string>): Promise<{code: number; stdout: string; stderr: string}> {
  const running = startShell(command, env);
  const code = await running.exited;
  return {code, stdout: running.stdout(), stderr: running.stderr()};
}
