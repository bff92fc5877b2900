/** The bench's measurements, each over every way (ways.ts) in one run, in rotating order. */
import {BenchChild, type ChildOptions} from './children.js';
import {closeAll, concurrentEcho, connectionCycle, openIdle, pushToSink, withTimeout, type ConcurrentResult, type CycleTiming} from './load.js';
import {startTunnelPair, type TunnelPair} from './tunnel-pair.js';
import {perWay, rotated, WAYS, type PerWay, type Routes} from './ways.js';

export interface NewConnections {
  /** Each cycle: connect, 1 byte echoed, end, closed. */
  cycleMs: PerWay<number[]>;
  /** Until the byte came back, before the close. */
  echoMs: PerWay<number[]>;
  /** CPU ms per connection of the way's processes. */
  cpuMsPerConnection: PerWay<number>;
}

/** `count` connection cycles in a row through `port`. */
async function cycleBlock(port: number, count: number, what: string): Promise<CycleTiming[]> {
  const timings: CycleTiming[] = [];
  for (let index = 0; index < count; index += 1) timings.push(await withTimeout(connectionCycle(port), 10_000, `connection cycle (${what})`));
  return timings;
}

/** `cycles` sequential connections each way, in blocks of `block` taking turns. */
export async function newConnections(routes: Routes, settings: {cycles: number; warmup: number; block: number}): Promise<NewConnections> {
  for (let index = 0; index < settings.warmup; index += 1) {
    for (const way of WAYS) await connectionCycle(routes.echo[way]);
  }
  const cycleMs = perWay<number[]>(() => []);
  const echoMs = perWay<number[]>(() => []);
  const cpu = perWay(() => 0);
  for (let done = 0, block = 0; done < settings.cycles; done += settings.block, block += 1) {
    for (const way of rotated(block)) {
      const before = await routes.cpuMs(way);
      for (const timing of await cycleBlock(routes.echo[way], settings.block, way)) {
        cycleMs[way].push(timing.cycleMs);
        echoMs[way].push(timing.echoMs);
      }
      cpu[way] += (await routes.cpuMs(way)) - before;
    }
  }
  return {cycleMs, echoMs, cpuMsPerConnection: perWay((way) => cpu[way] / cycleMs[way].length)};
}

export interface HalfCloseFloor {
  /**
   * Cycles through the stream tunnel, two relays that keep half-close, the least websocket
   * tunnel and the plain relays, blocks taking turns.
   */
  streamMs: number[];
  relayMs: number[];
  websocketFloorMs: number[];
  plainRelayMs: number[];
}

/**
 * The new-connection cycle against two floors that do the same work at the close: two relays
 * that carry each FIN on, and the least websocket tunnel (websocket-floor-child.ts); and the
 * plain relays again in the same turns, which end both sides at the first FIN, a shortcut a
 * tunnel that keeps half-close cannot take.
 */
export async function halfCloseFloor(
  ports: {stream: number; relay: number; websocketFloor: number; plainRelay: number},
  settings: {cycles: number; block: number},
): Promise<HalfCloseFloor> {
  const result: HalfCloseFloor = {streamMs: [], relayMs: [], websocketFloorMs: [], plainRelayMs: []};
  for (let index = 0; index < 20; index += 1) {
    await connectionCycle(ports.relay);
    await connectionCycle(ports.websocketFloor);
  }
  const order: Array<[number, number[]]> = [
    [ports.stream, result.streamMs],
    [ports.relay, result.relayMs],
    [ports.websocketFloor, result.websocketFloorMs],
    [ports.plainRelay, result.plainRelayMs],
  ];
  for (let done = 0, block = 0; done < settings.cycles; done += settings.block, block += 1) {
    // Each takes each place in turn.
    const turned = [...order.slice(block % order.length), ...order.slice(0, block % order.length)];
    for (const [port, into] of turned) {
      into.push(...(await cycleBlock(port, settings.block, 'half-close floor')).map((timing) => timing.cycleMs));
    }
  }
  return result;
}

export interface StreamFloor {
  /** MB/s of one stream through the stream tunnel, two relays and the least websocket tunnel, in turns. */
  stream: number[];
  relay: number[];
  websocketFloor: number[];
}

/** One stream of `bytes` to the sink, `reps` times each way, taking turns (as halfCloseFloor). */
export async function streamFloor(ports: {stream: number; relay: number; websocketFloor: number}, settings: {bytes: number; reps: number}): Promise<StreamFloor> {
  const result: StreamFloor = {stream: [], relay: [], websocketFloor: []};
  await pushToSink(ports.websocketFloor, 16 * 1024 * 1024);
  for (let rep = 0; rep < settings.reps; rep += 1) {
    const order: Array<[number, number[]]> = [
      [ports.stream, result.stream],
      [ports.relay, result.relay],
      [ports.websocketFloor, result.websocketFloor],
    ];
    for (const [port, into] of [...order.slice(rep % 3), ...order.slice(0, rep % 3)]) {
      const ms = await withTimeout(pushToSink(port, settings.bytes), 120_000, 'one stream (floors)');
      into.push(settings.bytes / 1e6 / (ms / 1000));
    }
  }
  return result;
}

/** `connections` connections at once each way, each echoing its own `size` bytes, `reps` times. */
export async function bursts(routes: Routes, settings: {connections: number; size: number; reps: number}): Promise<PerWay<ConcurrentResult[]>> {
  const results = perWay<ConcurrentResult[]>(() => []);
  for (let rep = 0; rep < settings.reps; rep += 1) {
    for (const way of rotated(rep)) {
      results[way].push(await withTimeout(concurrentEcho(routes.echo[way], settings.connections, settings.size), 120_000, `burst (${way})`));
    }
  }
  return results;
}

export interface Throughput {
  ms: PerWay<number[]>;
  /** CPU seconds per GB (1e9 bytes) carried, of the way's processes. */
  cpuSecondsPerGB: PerWay<number[]>;
}

export function emptyThroughput(): Throughput {
  return {ms: perWay(() => []), cpuSecondsPerGB: perWay(() => [])};
}

/** One run each way of `push` (which resolves with its wall ms), in `round`'s order. */
export async function throughputRound(round: number, routes: Routes, bytes: number, push: (port: number) => Promise<number>, into: Throughput): Promise<void> {
  for (const way of rotated(round)) {
    const before = await routes.cpuMs(way);
    into.ms[way].push(await push(routes.sink[way]));
    into.cpuSecondsPerGB[way].push(((await routes.cpuMs(way)) - before) / 1000 / (bytes / 1e9));
  }
}

export interface IdleMemory {
  connections: number;
  /** RSS growth per idle connection, KiB, summed over the side's processes. */
  serverKiB: number;
  clientKiB: number;
}

/**
 * `connections` idle tunnelled connections (each proven alive by a 1-byte echo), spread over
 * `pairs` server and client pairs, each with its default limits: a tunnel carries at most 2048
 * connections at once (`connections_per_tunnel`), and a process holds two descriptors per
 * connection (the application's and the websocket's, or the websocket's and the target's)
 * under a limit of 20 000 here.
 */
export async function idleMemory(target: BenchChild, settings: {connections: number; pairs: number; classic: boolean; childOptions: ChildOptions}): Promise<IdleMemory> {
  const pairs: TunnelPair[] = [];
  try {
    for (let index = 0; index < settings.pairs; index += 1) {
      pairs.push(await startTunnelPair(target, `idle-${settings.classic ? 'classic' : 'stream'}${index + 1}-`, settings.childOptions, settings.classic));
    }
    for (const pair of pairs) await closeAll(await withTimeout(openIdle(pair.echo, 50), 30_000, 'memory warm-up'));
    const sample = () => Promise.all(pairs.map(async (pair) => ({server: (await pair.server.memory()).rss, client: (await pair.client.memory()).rss})));
    const before = await sample();
    const share = Math.ceil(settings.connections / pairs.length);
    const opened = await Promise.all(pairs.map((pair) => withTimeout(openIdle(pair.echo, share), 300_000, 'opening idle connections')));
    const after = await sample();
    await closeAll(opened.flat());
    const total = share * pairs.length;
    const growth = (side: 'server' | 'client') => after.reduce((sum, sample, index) => sum + sample[side] - before[index]![side], 0) / total / 1024;
    return {connections: total, serverKiB: growth('server'), clientKiB: growth('client')};
  } finally {
    for (const pair of pairs) await pair.stop();
  }
}

