/** A child process's output as it arrives, and waiting for one of its lines; shared by the CLI and README runners. */
import type {Readable} from 'node:stream';

export interface CollectedOutput {
  stdout(): string;
  stderr(): string;
  /** stdout and stderr so far, one after the other. */
  text(): string;
  /** Called on every new chunk of output. */
  listeners: Set<() => void>;
}

/** Collects what a child writes on stdout and stderr, telling the listeners of each chunk. */
export function collectOutput(child: {stdout: Readable; stderr: Readable}): CollectedOutput {
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    notify();
  });
  return {stdout: () => out, stderr: () => err, text: () => `${out}\n${err}`, listeners};
}

export type WatchedOutput = Pick<CollectedOutput, 'text' | 'listeners'> & {exited: Promise<unknown>};

/**
 * Resolves with the first line matching `pattern`; rejects after `timeoutMs`, or as soon as
 * the process ends without such a line. `describe` says what was run, for the error.
 */
export function waitForOutputLine(output: WatchedOutput, pattern: RegExp, timeoutMs: number, describe: () => string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void) => {
      output.listeners.delete(check);
      clearTimeout(timer);
      settle();
    };
    const check = () => {
      for (const line of output.text().split('\n')) {
        const found = line.match(pattern);
        if (found) {
          finish(() => resolve(found));
          return true;
        }
      }
      return false;
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`No line matching ${pattern} within ${timeoutMs} ms; ${describe()}`))), timeoutMs);
    output.listeners.add(check);
    void output.exited.then(() =>
      setImmediate(() => {
        if (output.listeners.has(check) && !check()) {
          finish(() => reject(new Error(`The process ended before a line matched ${pattern}; ${describe()}`)));
        }
      }),
    );
    check();
  });
}
