/** Starting the bench's child processes (`node --import tsx`) and talking to them over IPC. */
import {fork, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import type {ChildMessage, MemorySample, ParentMessage} from './ipc.js';

const STARTUP_TIMEOUT_MS = 30_000;

export interface ChildOptions {
  /** Directory for `--cpu-prof` profiles; none: no profiling. */
  profileDir?: string | undefined;
}

export class BenchChild {
  private nextId = 1;
  private readonly memoryWaiters = new Map<number, (sample: MemorySample) => void>();

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
    readonly ports: Record<string, number>,
  ) {
    process.on('message', (message: ChildMessage) => {
      if (message.type !== 'memory') return;
      this.memoryWaiters.get(message.id)?.(message.sample);
      this.memoryWaiters.delete(message.id);
    });
  }

  static async start(name: string, script: string, args: string[], options: ChildOptions = {}): Promise<BenchChild> {
    const execArgv = ['--import', 'tsx', '--expose-gc'];
    if (options.profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`);
    const child = fork(fileURLToPath(new URL(script, import.meta.url)), args, {execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc']});
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

  port(key: string): number {
    const port = this.ports[key];
    if (port === undefined) throw new Error(`${this.name} reported no port ${key}`);
    return port;
  }

  /** RSS and heap of the child, after a full GC. */
  memory(): Promise<MemorySample> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.memoryWaiters.set(id, resolve);
      this.send({type: 'memory', id});
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
