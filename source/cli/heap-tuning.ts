/**
 * Heap tuning for the processes that carry tunnels (netunnel-server, netunnel-client and
 * netunnel-tui).
 *
 * Tunnelled bytes travel in Buffers whose memory lies outside V8's heap, yet on Node 20
 * (V8 11.3) each Buffer allocated counts toward the heap's limit until the next full
 * collection. A tunnel process keeps a small live heap (about 10 MB), and V8 sets the next
 * limit only a little above it, so at full speed a full collection comes every few MiB
 * tunnelled and takes half the process's CPU (`npm run bench` measures it). With the limit
 * at five times the live heap, full collections come about three times less often and the
 * CPU per MiB drops by some 40%, for a heap that may grow to five times its live size between
 * two collections (some 60 MB for a tunnel process).
 *
 * A --heap-growing-percent given to Node on the command line is left alone (Node does not
 * accept that flag in NODE_OPTIONS).
 */
import {setFlagsFromString} from 'node:v8';

export const HEAP_GROWING_PERCENT = 400;

/** Whether the user already chose a heap growing factor for this Node process. */
export function heapGrowingPercentGiven(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg));
}

export function tuneHeapForTunnels(): void {
  if (!heapGrowingPercentGiven(process.execArgv)) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
