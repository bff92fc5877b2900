/**
 * Scripted mode in the test's own process: runScripted with captured stdout and stderr and a
 * temporary settings dir, for the tests of test/console/scripted/ (the CLI process itself is
 * tested in test/cli/netunnel-tui-scripted.test.ts).
 */
import {after, before} from 'node:test';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runScripted, type ScriptedIo} from '../../source/console/scripted/run.js';
import {within} from './streams.js';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  tty?: boolean;
  signal?: AbortSignal;
  /** Called with each chunk written to stdout (watch, open). */
  onStdout?: (text: string) => void;
  createApi?: ScriptedIo['createApi'];
  /** Another settings dir than the shared one. */
  configDir?: string;
}

/** A temporary settings dir for the file, made before its tests and removed after them. */
export function scriptedMode() {
  let configDir = '';
  before(() => {
    configDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-'));
  });
  after(() => rmSync(configDir, {recursive: true, force: true}));

  function scripted(argv: string[], options: RunOptions = {}): Promise<Result> {
    let stdout = '';
    let stderr = '';
    const io: ScriptedIo = {
      stdout: {
        write: (text: string) => {
          stdout += text;
          options.onStdout?.(stdout);
          return true;
        },
        isTTY: options.tty ?? false,
      },
      stderr: {write: (text: string) => (stderr += text)},
      ...(options.signal ? {signal: options.signal} : {}),
      ...(options.createApi ? {createApi: options.createApi} : {}),
    };
    const done = runScripted(['--config-dir', options.configDir ?? configDir, ...argv], io).then((code) => ({code, stdout, stderr}));
    // A short command ends by itself; open and watch end when stopped (bounded where stopped).
    return options.signal ? done : within(done, 30_000, `netunnel-tui --no-tui ${argv.join(' ')} to end`);
  }

  /** Starts a long command (open, watch); `lines()` is what it printed so far. */
  function startScripted(argv: string[]) {
    const controller = new AbortController();
    const waiters = new Set<() => void>();
    let printed = '';
    const done = scripted(argv, {
      signal: controller.signal,
      onStdout: (text) => {
        printed = text;
        for (const waiter of waiters) waiter();
      },
    });
    return {
      done,
      stop: () => controller.abort(),
      lines: () => printed.split('\n').filter((line) => line !== ''),
      /** Resolves when at least `count` lines were printed. */
      waitForLines(count: number, timeoutMs = 10_000): Promise<string[]> {
        return new Promise((resolve, reject) => {
          const check = () => {
            const lines = printed.split('\n').filter((line) => line !== '');
            if (lines.length >= count) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(lines);
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`Fewer than ${count} lines within ${timeoutMs} ms: ${printed}`));
          }, timeoutMs);
          waiters.add(check);
          void done.then(check);
          check();
        });
      },
    };
  }

  return {scripted, scriptedIn: scripted, startScripted};
}

export const NO_MANAGEMENT = '(a NETunnel 1.0.12 server, or netunnel-server --no-extensions)';

