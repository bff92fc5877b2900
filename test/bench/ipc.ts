import {PerformanceObserver, constants} from 'node:perf_hooks';
import {getHeapSpaceStatistics} from 'node:v8';

/**
 * The small IPC protocol between the bench and its child processes (server, client, target).
 * Each child sends one `ready` message, then answers `memory` requests, and exits on `stop`.
 */

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

export interface CpuSample {
  /** CPU time of the whole process (all threads), in ms. */
  userMs: number;
  systemMs: number;
  /** Garbage collection so far, from a `gc` PerformanceObserver: pause time and counts. */
  gcMs: number;
  majorGcs: number;
  minorGcs: number;
  /** Current new space size, in bytes. */
  newSpace: number;
}

export type ParentMessage = {type: 'memory'; id: number} | {type: 'cpu'; id: number} | {type: 'stop'};

export type ChildMessage =
  | {type: 'ready'; ports: Record<string, number>}
  | {type: 'memory'; id: number; sample: MemorySample}
  | {type: 'cpu'; id: number; sample: CpuSample}
  | {type: 'failed'; message: string};

/** Settles memory (two GCs when --expose-gc is on) and samples it. */
export async function sampleMemory(): Promise<MemorySample> {
  const gc = (globalThis as {gc?: () => void}).gc;
  if (gc) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  const usage = process.memoryUsage();
  return {rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external + usage.arrayBuffers};
}

/**
 * Wires a child to its parent: `start` runs once, its ports are reported; `stop` runs on the
 * parent's stop message (or when the parent goes away), then the process exits.
 */
const gc = {ms: 0, major: 0, minor: 0};
function observeGc(): void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.ms += entry.duration;
      const kind = ((entry as {detail?: unknown}).detail as {kind?: number} | undefined)?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR || kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) gc.major += 1;
      else gc.minor += 1;
    }
  });
  observer.observe({entryTypes: ['gc']});
}

export function serveChild(start: () => Promise<Record<string, number>>, stop: () => Promise<void>): void {
  const send = (message: ChildMessage) => process.send?.(message);
  observeGc();
  let stopping = false;
  const shutDown = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await Promise.race([stop(), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    } finally {
      process.exit(0);
    }
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      void sampleMemory().then((sample) => send({type: 'memory', id: message.id, sample}));
    } else if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
      send({
        type: 'cpu',
        id: message.id,
        sample: {userMs: usage.user / 1000, systemMs: usage.system / 1000, gcMs: gc.ms, majorGcs: gc.major, minorGcs: gc.minor, newSpace},
      });
    } else if (message.type === 'stop') {
      void shutDown();
    }
  });
  process.on('disconnect', () => void shutDown());
  start().then(
    (ports) => send({type: 'ready', ports}),
    (error: unknown) => {
      send({type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error)});
      process.exit(1);
    },
  );
}
