/** Child processes for tests that need a peer to die for real. */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {connect, type Socket} from 'node:net';
import {fileURLToPath} from 'node:url';

/** Runs a TypeScript fixture under tsx (with `args`) and resolves with its first stdout line, parsed as JSON. */
export async function startFixtureProcess<T>(fixture: string, args: string[] = []): Promise<{child: ChildProcess; ready: T; kill(): Promise<void>}> {
  const path = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {stdio: ['ignore', 'pipe', 'inherit']});
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

/**
 * A TCP port where a connect hangs: a child process listens with a backlog of 1 and then blocks
 * its event loop, so it never accepts; once its queue is full (filled here) the kernel drops new
 * SYNs and a connect stays pending for as long as the test needs.
 */
export async function startStuckService(): Promise<{port: number; close(): Promise<void>}> {
  const script = `
    const server = require('node:net').createServer();
    server.listen({port: 0, host: '127.0.0.1', backlog: 1}, () => {
      process.stdout.write(server.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0));
    });`;
  const child = spawn(process.execPath, ['-e', script], {stdio: ['ignore', 'pipe', 'inherit']});
  const exited = once(child, 'exit');
  const [line] = (await once(createInterface({input: child.stdout!}), 'line')) as [string];
  const port = Number(line);
  // Fill the accept queue: these complete in the kernel, and after them nothing does.
  const fillers: Socket[] = [];
  for (;;) {
    const socket = connect({port, host: '127.0.0.1'});
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await Promise.race([
      once(socket, 'connect').then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200).unref()),
    ]);
    if (!connected) break;
  }
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      await exited;
    },
  };
}
