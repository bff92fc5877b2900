/** Starting the bench's child processes (`node --import tsx`) and talking to them over IPC. */
import {fork, type ChildProcess} from 'node:child_process';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {ChildMessage, CpuSample, MemorySample, ParentMessage} from './ipc.js';

const STARTUP_TIMEOUT_MS = 30_000;

export interface ChildOptions {
  /** Directory for `--cpu-prof` profiles; none: no profiling. */
  profileDir?: string | undefined;
  /** Extra environment variables for the child. */
  env?: Record<string, string> | undefined;
  /** Extra Node or V8 flags for the child. */
  nodeArgs?: string[] | undefined;
}

export class BenchChild {
  private nextId = 1;
  private readonly waiters = new Map<number, (sample: never) => void>();

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
    readonly ports: Record<string, number>,
  ) {
    process.on('message', (message: ChildMessage) => {
      if (message.type !== 'memory' && message.type !== 'cpu') return;
      this.waiters.get(message.id)?.(message.sample as never);
      this.waiters.delete(message.id);
    });
  }

  static async start(name: string, script: string, args: string[], options: ChildOptions = {}): Promise<BenchChild> {
    // --expose-gc: memory samples are taken after a full collection.
    const execArgv = ['--import', 'tsx', '--expose-gc', ...(options.nodeArgs ?? [])];
    // One directory per child: the loader's hooks thread writes a profile of its own.
    if (options.profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, name)}`);
    const child = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
      execArgv,
      env: {...process.env, ...options.env},
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ports = await new Promise<Record<string, number>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: not ready after ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message.ports);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${name} failed to start: ${message.message}`));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${code} before it was ready`));
      });
    });
    return new BenchChild(name, child, ports);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  port(key: string): number {
    const port = this.ports[key];
    if (port === undefined) throw new Error(`${this.name} reported no port ${key}`);
    return port;
  }

  /** RSS and heap of the child, after a full GC. */
  memory(): Promise<MemorySample> {
    return this.ask('memory');
  }

  /** CPU time the child has used so far. */
  cpu(): Promise<CpuSample> {
    return this.ask('cpu');
  }

  private ask<T>(type: 'memory' | 'cpu'): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.waiters.set(id, resolve as (sample: never) => void);
      this.send({type, id});
    });
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.send({type: 'stop'});
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private send(message: ParentMessage): void {
    this.process.send(message);
  }
}

/** Two children, the second started with the first's ports; if the second fails, the first is stopped. */
export async function startChained(first: () => Promise<BenchChild>, second: (first: BenchChild) => Promise<BenchChild>): Promise<[BenchChild, BenchChild]> {
  const started = await first();
  try {
    return [started, await second(started)];
  } catch (error) {
    await started.stop();
    throw error;
  }
}
