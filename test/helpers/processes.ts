/** Child processes for tests that need a peer to die for real. */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

/** Runs a TypeScript fixture under tsx and resolves with its first stdout line, parsed as JSON. */
export async function startFixtureProcess<T>(fixture: string): Promise<{child: ChildProcess; ready: T; kill(): Promise<void>}> {
  const path = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path], {stdio: ['ignore', 'pipe', 'inherit']});
  const exited = once(child, 'exit');
  const lines = createInterface({input: child.stdout!});
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    exited.then(([code]) => Promise.reject(new Error(`${fixture} exited with ${String(code)} before it was ready`))),
  ]);
  return {
    child,
    ready: JSON.parse(first) as T,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
