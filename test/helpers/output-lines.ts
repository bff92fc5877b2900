/** Waiting for a line of a child process's output, shared by the CLI and README runners. */

export interface WatchedOutput {
  /** stdout and stderr so far, one after the other. */
  text(): string;
  /** Called on every new chunk of output. */
  listeners: Set<() => void>;
  exited: Promise<unknown>;
}

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
