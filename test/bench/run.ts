/**
 * `npm run bench`: the tunnel against a direct loopback connection, side by side. The
 * NetunnelServer and the NetunnelClient each run in their own process (tunnel-pair.ts), the
 * target services (sink, echo) in a third, and the load comes from this process; "direct" is
 * the same load sent straight to the target. "relay" sends it through two plain Node TCP
 * relays in a row (relay-chain.ts): two processes that only pipe bytes, the least any Node
 * implementation of a tunnel pays, printed as a floor next to the tunnel's figures.
 *
 *   npm run bench [-- --json FILE] [--profile DIR] [--quick]
 *
 * --json FILE    also write every sample and the summary as JSON
 * --profile DIR  run the server and client processes with --cpu-prof, profiles go to DIR
 * --quick        small sizes, for a smoke run
 *
 * Last, the console (console.ts): netunnel-tui in a pty, key press to frame and its idle output
 * and CPU with 1000 open connections on 50 tunnels.
 *
 * Throughput rounds each get fresh server and client processes, put through one full garbage
 * collection before measuring: on Node 20 (V8 11.3) the Buffers' external memory counts against
 * the old-generation limit, so once a process has had a full collection its limit follows its
 * small live heap and streaming triggers a full collection every few MiB, which roughly doubles
 * the CPU cost per byte. A long-running server is in that state; a process that never had a
 * full collection is not, and would flatter the numbers.
 *
 * The server and client processes apply the commands' heap tuning (source/cli/heap-tuning.ts).
 * BENCH_NODE_ARGS passes V8 or Node flags to them, to see what a setting would change: with
 * '--heap-growing-percent=0' (V8's own growing factor) they run as before that tuning.
 */
import {writeFileSync, mkdirSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import {parseArgs} from 'node:util';
import {BenchChild} from './children.js';
import {closeAll, concurrentEcho, connectionCycle, openIdle, pushParallel, pushToSink, withTimeout, type ConcurrentResult} from './load.js';
import {eventStreamUnderChurn} from './event-stream.js';
import {consoleBench, consoleRows} from './console.js';
import {listenDrops} from './netstat.js';
import {formatTable, fixed, type Row} from './report.js';
import {median, percentile} from './stats.js';
import {startRelayChain, type RelayChain} from './relay-chain.js';
import {startTunnelPair, type TunnelPair} from './tunnel-pair.js';

const {values: flags} = parseArgs({
  options: {
    json: {type: 'string'},
    profile: {type: 'string'},
    quick: {type: 'boolean', default: false},
  },
});

const MiB = 1024 * 1024;
const params = flags.quick
  ? {reps: 2, singleBytes: 32 * MiB, parallelBytes: 32 * MiB, streams: 8, cycles: 200, cycleWarmup: 20, cycleBlock: 50, concurrent: 200, concurrentSize: 64 * 1024, idle: 100, churnRate: 1000, churnSeconds: 2}
  : {reps: 5, singleBytes: 256 * MiB, parallelBytes: 256 * MiB, streams: 8, cycles: 1000, cycleWarmup: 100, cycleBlock: 100, concurrent: 1000, concurrentSize: 64 * 1024, idle: 500, churnRate: 1000, churnSeconds: 5};

const TARGET_SINGLE_RATIO = 0.3;
const TARGET_P50_RATIO = 3;

const log = (message: string) => process.stderr.write(`${message}\n`);
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

type Way = 'tunnel' | 'relay' | 'direct';
const WAYS: Way[] = ['tunnel', 'relay', 'direct'];
/** Each round starts with the next way, so that none is always measured first. */
const order = (round: number): Way[] => WAYS.map((_, index) => WAYS[(index + round) % WAYS.length]!);

interface Throughput {
  ms: Record<Way, number[]>;
  /** Client + server CPU ms per MiB during each tunnel run. */
  cpuPerMiB: number[];
}

/** One run each way, in `round`'s order, with the tunnel's CPU cost. */
async function throughputRound(
  round: number,
  pair: TunnelPair,
  ports: Record<'relay' | 'direct', number>,
  bytes: number,
  push: (port: number) => Promise<number>,
  into: Throughput,
): Promise<void> {
  for (const way of order(round)) {
    if (way !== 'tunnel') {
      into.ms[way].push(await push(ports[way]));
      continue;
    }
    const before = await pair.cpuMs();
    into.ms.tunnel.push(await push(pair.sink));
    const after = await pair.cpuMs();
    into.cpuPerMiB.push((after.client - before.client + after.server - before.server) / (bytes / MiB));
  }
}

async function main(): Promise<void> {
  if (flags.profile) mkdirSync(flags.profile, {recursive: true});
  const childOptions = {profileDir: flags.profile};
  const startedAt = Date.now();
  log('starting the target process...');
  const target = await BenchChild.start('target', './target-child.ts', []);
  let pair: TunnelPair | undefined;
  let relay: RelayChain | undefined;
  try {
    const direct = {sink: target.port('sink'), echo: target.port('echo')};
    log('starting two plain relay processes...');
    relay = await startRelayChain(target);

    // Memory, new connections and concurrency: one server and client pair.
    log('starting a server and a client process...');
    pair = await startTunnelPair(target, '', childOptions);
    const {server, client} = pair;

    log(`memory: ${params.idle} idle tunnelled connections...`);
    await closeAll(await withTimeout(openIdle(pair.echo, 50), 30_000, 'memory warm-up'));
    const before = {server: await server.memory(), client: await client.memory()};
    const idle = await withTimeout(openIdle(pair.echo, params.idle), 60_000, 'opening idle connections');
    const after = {server: await server.memory(), client: await client.memory()};
    await closeAll(idle);
    const perConnection = (key: 'rss' | 'heapUsed', which: 'server' | 'client') => (after[which][key] - before[which][key]) / params.idle / 1024;

    log(`new connections: ${params.cycles} sequential cycles each way...`);
    const echoPort: Record<Way, number> = {tunnel: pair.echo, relay: relay.echo, direct: direct.echo};
    for (let index = 0; index < params.cycleWarmup; index += 1) {
      for (const way of WAYS) await connectionCycle(echoPort[way]);
    }
    const cycles: Record<Way, number[]> = {tunnel: [], relay: [], direct: []};
    const echoes: Record<Way, number[]> = {tunnel: [], relay: [], direct: []};
    let cycleCpuMs = 0;
    for (let done = 0, block = 0; done < params.cycles; done += params.cycleBlock, block += 1) {
      for (const way of order(block)) {
        const cpuBefore = way === 'tunnel' ? await pair.cpuMs() : undefined;
        for (let index = 0; index < params.cycleBlock; index += 1) {
          const timing = await withTimeout(connectionCycle(echoPort[way]), 10_000, 'connection cycle');
          cycles[way].push(timing.cycleMs);
          echoes[way].push(timing.echoMs);
        }
        if (cpuBefore) {
          const cpuAfter = await pair.cpuMs();
          cycleCpuMs += cpuAfter.client - cpuBefore.client + cpuAfter.server - cpuBefore.server;
        }
      }
    }

    log(`concurrency: ${params.concurrent} connections x ${params.concurrentSize / 1024} KiB at once...`);
    const dropsBefore = listenDrops();
    const concurrent: Record<'tunnel' | 'direct', ConcurrentResult> = {
      tunnel: await withTimeout(concurrentEcho(pair.echo, params.concurrent, params.concurrentSize), 120_000, 'concurrent echo (tunnel)'),
      direct: await withTimeout(concurrentEcho(direct.echo, params.concurrent, params.concurrentSize), 120_000, 'concurrent echo (direct)'),
    };
    const dropsAfter = listenDrops();
    const drops = dropsBefore === undefined || dropsAfter === undefined ? undefined : dropsAfter - dropsBefore;

    log(`event stream: ${params.churnRate} new connections/s for ${params.churnSeconds} s, one /events subscriber...`);
    const churn = await withTimeout(eventStreamUnderChurn(server.port('server'), pair.echo, params.churnRate, params.churnSeconds), 120_000, 'event stream');
    await pair.stop();
    pair = undefined;

    // Throughput: fresh processes for every round.
    const single: Throughput = {ms: {tunnel: [], relay: [], direct: []}, cpuPerMiB: []};
    const parallel: Throughput = {ms: {tunnel: [], relay: [], direct: []}, cpuPerMiB: []};
    const others = {relay: relay.sink, direct: direct.sink};
    for (let round = 0; round < params.reps; round += 1) {
      log(`throughput round ${round + 1}/${params.reps}: ${params.singleBytes / MiB} MiB on one stream, ${params.parallelBytes / MiB} MiB on ${params.streams}...`);
      pair = await startTunnelPair(target, `round${round + 1}-`, childOptions);
      await pushToSink(pair.sink, 16 * MiB);
      await pushToSink(relay.sink, 16 * MiB);
      await pushToSink(direct.sink, 16 * MiB);
      // A full collection first, as V8's memory reducer does to any server that has been idle:
      // from then on the heap limit follows the live heap, as in a long-running process.
      await pair.server.memory();
      await pair.client.memory();
      for (const child of relay.relays) await child.memory();
      await throughputRound(round, pair, others, params.singleBytes, (port) => withTimeout(pushToSink(port, params.singleBytes), 60_000, 'single stream'), single);
      await throughputRound(
        round,
        pair,
        others,
        params.parallelBytes,
        (port) => withTimeout(pushParallel(port, params.streams, params.parallelBytes), 60_000, 'parallel streams'),
        parallel,
      );
      await pair.stop();
      pair = undefined;
    }

    const consoleResult = await withTimeout(consoleBench({quick: flags.quick, log}), 300_000, 'console bench');

    // Summary.
    const rate = (samples: Throughput, bytes: number) => ({
      tunnel: median(samples.ms.tunnel.map((ms) => mbps(bytes, ms))),
      relay: median(samples.ms.relay.map((ms) => mbps(bytes, ms))),
      direct: median(samples.ms.direct.map((ms) => mbps(bytes, ms))),
    });
    const singleRate = rate(single, params.singleBytes);
    const parallelRate = rate(parallel, params.parallelBytes);
    const p = (values: number[], q: number) => percentile(values, q);
    const singleRatio = singleRate.tunnel / singleRate.direct;
    const p50Ratio = p(cycles.tunnel, 50) / p(cycles.direct, 50);
    const floorLabel = '  2 plain Node TCP relays (a floor, no websocket)';
    const allIntact = concurrent.tunnel.intact === concurrent.tunnel.connections && concurrent.direct.intact === concurrent.direct.connections;
    const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
    const tunnelOnly = (measure: string, value: string): Row => ({measure, tunnel: value, direct: '', ratio: '', target: '', met: ''});
    const compared = (measure: string, tunnel: number, directValue: number, digits: number, target = '', met = ''): Row => ({
      measure,
      tunnel: fixed(tunnel, digits),
      direct: fixed(directValue, digits),
      ratio: fixed(tunnel / directValue, 2),
      target,
      met,
    });
    const rows: Row[] = [
      compared('single stream MB/s (median)', singleRate.tunnel, singleRate.direct, 0, `>= ${TARGET_SINGLE_RATIO}`, yes(singleRatio >= TARGET_SINGLE_RATIO)),
      tunnelOnly('  client+server CPU ms per MiB (median)', fixed(median(single.cpuPerMiB), 2)),
      compared(floorLabel, singleRate.relay, singleRate.direct, 0),
      compared(`${params.streams} streams MB/s (median, aggregate)`, parallelRate.tunnel, parallelRate.direct, 0),
      tunnelOnly('  client+server CPU ms per MiB (median)', fixed(median(parallel.cpuPerMiB), 2)),
      compared('new connection p50 ms (full cycle)', p(cycles.tunnel, 50), p(cycles.direct, 50), 3, `<= ${TARGET_P50_RATIO}`, yes(p50Ratio <= TARGET_P50_RATIO)),
      compared(floorLabel, p(cycles.relay, 50), p(cycles.direct, 50), 3),
      compared('new connection p99 ms (full cycle)', p(cycles.tunnel, 99), p(cycles.direct, 99), 3),
      compared('new connection p50 ms (to the echo)', p(echoes.tunnel, 50), p(echoes.direct, 50), 3),
      compared('new connection p99 ms (to the echo)', p(echoes.tunnel, 99), p(echoes.direct, 99), 3),
      tunnelOnly('  client+server CPU ms per connection', fixed(cycleCpuMs / cycles.tunnel.length, 2)),
      compared(`${params.concurrent} x ${params.concurrentSize / 1024} KiB concurrent echo, wall s`, concurrent.tunnel.wallMs / 1000, concurrent.direct.wallMs / 1000, 2),
      {
        measure: '  connections intact (byte-checked)',
        tunnel: `${concurrent.tunnel.intact}/${concurrent.tunnel.connections}`,
        direct: `${concurrent.direct.intact}/${concurrent.direct.connections}`,
        ratio: '',
        target: 'all',
        met: yes(allIntact),
      },
      ...(drops === undefined ? [] : [tunnelOnly('  SYNs dropped by full listen queues (machine-wide)', String(drops))]),
      tunnelOnly(`/events KB/s, ${fixed(churn.achievedRate, 0)} new connections/s (${churn.failures} failed)`, fixed(churn.bytes / 1000 / churn.seconds, 2)),
      tunnelOnly('  /events frames/s', fixed(churn.frames / churn.seconds, 2)),
      tunnelOnly(`idle connection RSS KiB/conn, server (n=${params.idle})`, fixed(perConnection('rss', 'server'), 1)),
      tunnelOnly(`idle connection RSS KiB/conn, client (n=${params.idle})`, fixed(perConnection('rss', 'client'), 1)),
      tunnelOnly('idle connection heap KiB/conn, server', fixed(perConnection('heapUsed', 'server'), 1)),
      tunnelOnly('idle connection heap KiB/conn, client', fixed(perConnection('heapUsed', 'client'), 1)),
      ...consoleRows(consoleResult),
    ];
    const elapsed = (Date.now() - startedAt) / 1000;
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`\n${formatTable(rows)}\n`);
    const singleFloor = singleRate.relay / singleRate.direct;
    const p50Floor = p(cycles.relay, 50) / p(cycles.direct, 50);
    out(`single stream ${fixed(singleRatio, 2)}x direct (target >= ${TARGET_SINGLE_RATIO}x): ${singleRatio >= TARGET_SINGLE_RATIO ? 'met' : 'NOT met'}; 2 plain relays: ${fixed(singleFloor, 2)}x`);
    out(`new connection p50 ${fixed(p50Ratio, 2)}x direct (target <= ${TARGET_P50_RATIO}x): ${p50Ratio <= TARGET_P50_RATIO ? 'met' : 'NOT met'}; 2 plain relays: ${fixed(p50Floor, 2)}x`);
    out(`all ${params.concurrent} concurrent connections intact: ${allIntact ? 'yes' : 'NO'}`);
    out(`(${cpus().length} CPUs, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}, ${elapsed.toFixed(0)} s)`);
    for (const failure of [...concurrent.tunnel.failures, ...concurrent.direct.failures].slice(0, 10)) out(`  failure: ${failure}`);

    if (flags.json) {
      const report = {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        loadavg: loadavg(),
        elapsedSeconds: elapsed,
        params,
        summary: {
          singleStreamMBps: {...singleRate, ratio: singleRatio, relayRatio: singleFloor, target: TARGET_SINGLE_RATIO, met: singleRatio >= TARGET_SINGLE_RATIO, cpuMsPerMiB: median(single.cpuPerMiB)},
          parallelStreamsMBps: {...parallelRate, ratio: parallelRate.tunnel / parallelRate.direct, relayRatio: parallelRate.relay / parallelRate.direct, streams: params.streams, cpuMsPerMiB: median(parallel.cpuPerMiB)},
          newConnectionCycleMs: {
            tunnel: {p50: p(cycles.tunnel, 50), p99: p(cycles.tunnel, 99)},
            relay: {p50: p(cycles.relay, 50), p99: p(cycles.relay, 99)},
            direct: {p50: p(cycles.direct, 50), p99: p(cycles.direct, 99)},
            p50Ratio,
            relayP50Ratio: p50Floor,
            target: TARGET_P50_RATIO,
            met: p50Ratio <= TARGET_P50_RATIO,
            cpuMsPerConnection: cycleCpuMs / cycles.tunnel.length,
          },
          newConnectionEchoMs: {
            tunnel: {p50: p(echoes.tunnel, 50), p99: p(echoes.tunnel, 99)},
            relay: {p50: p(echoes.relay, 50), p99: p(echoes.relay, 99)},
            direct: {p50: p(echoes.direct, 50), p99: p(echoes.direct, 99)},
          },
          concurrentEcho: {
            tunnel: {intact: concurrent.tunnel.intact, connections: concurrent.tunnel.connections, wallMs: concurrent.tunnel.wallMs},
            direct: {intact: concurrent.direct.intact, connections: concurrent.direct.connections, wallMs: concurrent.direct.wallMs},
            allIntact,
            listenDrops: drops ?? null,
          },
          eventStreamUnderChurn: {
            connections: churn.connections,
            newConnectionsPerSecond: churn.achievedRate,
            failures: churn.failures,
            seconds: churn.seconds,
            frames: churn.frames,
            bytes: churn.bytes,
            bytesPerSecond: churn.bytes / churn.seconds,
            framesByType: churn.byType,
          },
          idleConnectionKiB: {
            connections: params.idle,
            serverRss: perConnection('rss', 'server'),
            clientRss: perConnection('rss', 'client'),
            serverHeap: perConnection('heapUsed', 'server'),
            clientHeap: perConnection('heapUsed', 'client'),
          },
          console: consoleResult,
        },
        samples: {
          singleStreamMs: single.ms,
          singleStreamCpuMsPerMiB: single.cpuPerMiB,
          parallelStreamsMs: parallel.ms,
          parallelStreamsCpuMsPerMiB: parallel.cpuPerMiB,
          newConnectionCycleMs: cycles,
          newConnectionEchoMs: echoes,
          concurrentFailures: {tunnel: concurrent.tunnel.failures, direct: concurrent.direct.failures},
          memory: {before, after},
        },
      };
      writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
      log(`wrote ${flags.json}`);
    }
    if (!allIntact) process.exitCode = 1;
  } finally {
    await pair?.stop();
    await relay?.stop();
    await target.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
