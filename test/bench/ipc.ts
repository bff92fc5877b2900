/**
 * The small IPC protocol between the bench and its child processes (server, client, target).
 * Each child sends one `ready` message, then answers `memory` requests, and exits on `stop`.
 */

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

export type ParentMessage = {type: 'memory'; id: number} | {type: 'stop'};

export type ChildMessage =
  | {type: 'ready'; ports: Record<string, number>}
  | {type: 'memory'; id: number; sample: MemorySample}
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
export function serveChild(start: () => Promise<Record<string, number>>, stop: () => Promise<void>): void {
  const send = (message: ChildMessage) => process.send?.(message);
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
