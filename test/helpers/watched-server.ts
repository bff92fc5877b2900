/**
 * Our server in a child process (test/fixtures/watched-server-process.ts), for tests that must
 * see the process survive and measure its memory honestly: nothing of the test's own heap
 * counts, and a crash shows as the child's exit.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import type {NetunnelServerOptions} from '../../source/server/netunnel-server.js';
import {within} from './streams.js';

export interface MemorySample {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
  external: number;
}

/** Now (after a full collection), and the highest seen since the previous ask. */
export interface ServerMemory extends MemorySample {
  peak: MemorySample;
}

export interface WatchedServer {
  port: number;
  url: string;
  child: ChildProcess;
  /** Exit code or signal once the child ended (a crash), else undefined. */
  exited(): string | undefined;
  /** Memory after a full collection. */
  memory(): Promise<ServerMemory>;
  /** Every line the server logged at error level. */
  errors(): Promise<string[]>;
  kill(): Promise<void>;
}

const FIXTURE = fileURLToPath(new URL('../fixtures/watched-server-process.ts', import.meta.url));

/** `options` must be JSON (no logger, no auth object). */
export async function startWatchedServer(options: Omit<NetunnelServerOptions, 'logger' | 'auth'> = {}): Promise<WatchedServer> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', FIXTURE], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: {...process.env, NETUNNEL_TEST_SERVER_OPTIONS: JSON.stringify(options)},
  });
  let ended: string | undefined;
  const exit = once(child, 'exit').then(([code, signal]) => {
    ended = `exit ${String(code)} ${String(signal)}`;
  });
  const lines = createInterface({input: child.stdout!});
  const first = await within(
    Promise.race([once(lines, 'line').then(([line]) => line as string), exit.then(() => Promise.reject(new Error(`the server exited: ${ended}`)))]),
    30_000,
    'the server child to listen',
  );
  const {port} = JSON.parse(first) as {port: number};
  // One question at a time: each answer is the next message.
  let asking: Promise<unknown> = Promise.resolve();
  const ask = <T>(question: string): Promise<T> => {
    const answer = asking.then(() => {
      if (ended) throw new Error(`the server exited: ${ended}`);
      const message = once(child, 'message').then(([reply]) => reply as T);
      child.send(question);
      return within(message, 10_000, `the server's answer to ${question}`);
    });
    asking = answer.catch(() => undefined);
    return answer;
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    exited: () => ended,
    memory: () => ask<ServerMemory>('memory'),
    errors: () => ask<string[]>('errors'),
    kill: async () => {
      if (ended) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
}
