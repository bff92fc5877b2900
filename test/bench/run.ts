/**
 * `npm run bench`: the same load four ways in one run (ways.ts): through a tunnel with the stream
 * extension, through one on the classic 1.0.12 wire, through two plain Node TCP relays in a row
 * (the floor) and straight to the target. The new-connection cycle is also measured in turns
 * against relays that keep half-close and against the least websocket tunnel
 * (websocket-floor-child.ts), the floors of the same work at the close. Every NetunnelServer and NetunnelClient runs in a
 * process of its own (tunnel-pair.ts), the targets (sink, echo) in another, the load in this one.
 *
 *   npm run bench [-- --json FILE] [--markdown FILE] [--profile DIR] [--quick] [--sources]
 *
 * The server and client processes run the build (dist/, what the commands run; `npm run bench`
 * builds it first), or with --sources the TypeScript sources through tsx, whose keep-names
 * helpers cost some 10% of the CPU per connection.
 *
 * --json FILE      also write every sample and the summary as JSON
 * --markdown FILE  also write the table in Markdown
 * --profile DIR    run the server and client processes with --cpu-prof, profiles go to DIR
 * --quick          small sizes, for a smoke run (BENCH_QUICK=1 does the same)
 * --sources        run source/ through tsx instead of dist/
 *
 * Last, the console (console.ts), in a table of its own: netunnel-tui in a pty, key press to
 * frame, and its idle output and CPU with 1000 open connections on 50 tunnels.
 *
 * Throughput rounds each get fresh server and client processes, put through one full garbage
 * collection before measuring: on Node 20 (V8 11.3) the Buffers' external memory counts against
 * the old-generation limit, so once a process has had a full collection its limit follows its
 * small live heap and streaming triggers a full collection every few MiB. A long-running server
 * is in that state; a process that never had a full collection is not, and would flatter the
 * numbers. The processes apply the commands' heap tuning (source/cli/heap-tuning.ts);
 * BENCH_NODE_ARGS passes V8 or Node flags to them.
 */
import {existsSync, writeFileSync, mkdirSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import {parseArgs} from 'node:util';
import {BenchChild, type ChildOptions} from './children.js';
import {pushParallel, pushToSink, withTimeout} from './load.js';
import {consoleBench, formatConsoleTable} from './console.js';
import {eventStreamUnderChurn} from './event-stream.js';
import {listenDrops} from './netstat.js';
import {formatMarkdown, formatTable} from './report.js';
import {startRelayChain, type RelayChain} from './relay-chain.js';
import {bursts, emptyThroughput, halfCloseFloor, idleMemory, streamFloor, newConnections, throughputRound, type HalfCloseFloor, type StreamFloor, type Throughput} from './scenarios.js';
import {startWebsocketFloor} from './websocket-floor.js';
import {summarize} from './summary.js';
import {startTunnelPair, type TunnelPair} from './tunnel-pair.js';
import type {Routes, Way} from './ways.js';

const {values: flags} = parseArgs({
  options: {
    json: {type: 'string'},
    markdown: {type: 'string'},
    profile: {type: 'string'},
    quick: {type: 'boolean', default: process.env.BENCH_QUICK === '1'},
    sources: {type: 'boolean', default: false},
  },
});
// Read by the children (source-root.ts).
process.env.BENCH_BUILT = flags.sources ? '0' : '1';
if (!flags.sources && !existsSync(new URL('../../dist/server/netunnel-server.js', import.meta.url))) {
  process.stderr.write('bench: no build in dist/ (npm run build, or npm run bench, which builds first; --sources runs the sources)\n');
  process.exit(2);
}

const MiB = 1024 * 1024;
const PARAMS = flags.quick
  ? {quick: true, reps: 1, singleBytes: 32 * MiB, parallelBytes: 32 * MiB, streams: 8, cycles: 200, cycleWarmup: 20, cycleBlock: 50, burst: 200, burstSize: 64 * 1024, burstReps: 2, idle: 1000, idlePairs: 1, churnRate: 1000, churnSeconds: 2}
  : {quick: false, reps: 3, singleBytes: 256 * MiB, parallelBytes: 256 * MiB, streams: 8, cycles: 1000, cycleWarmup: 100, cycleBlock: 100, burst: 200, burstSize: 64 * 1024, burstReps: 5, idle: 10_000, idlePairs: 5, churnRate: 1000, churnSeconds: 5};

const log = (message: string) => process.stderr.write(`${message}\n`);

async function cpuOf(children: BenchChild[]): Promise<number> {
  let total = 0;
  for (const child of children) {
    const sample = await child.cpu();
    total += sample.userMs + sample.systemMs;
  }
  return total;
}

function routesOf(stream: TunnelPair, classic: TunnelPair, relay: RelayChain, target: BenchChild): Routes {
  const processes: Record<Way, BenchChild[]> = {stream: [stream.client, stream.server], classic: [classic.client, classic.server], relay: relay.relays, direct: []};
  return {
    echo: {stream: stream.echo, classic: classic.echo, relay: relay.echo, direct: target.port('echo')},
    sink: {stream: stream.sink, classic: classic.sink, relay: relay.sink, direct: target.port('sink')},
    cpuMs: (way) => cpuOf(processes[way]),
  };
}

async function main(): Promise<void> {
  if (flags.profile) mkdirSync(flags.profile, {recursive: true});
  const childOptions: ChildOptions = {profileDir: flags.profile};
  const startedAt = Date.now();
  const loadBefore = loadavg();
  log('starting the target process and two plain relay processes...');
  const target = await BenchChild.start('target', './target-child.ts', []);
  const running: TunnelPair[] = [];
  let relay: RelayChain | undefined;
  const pairs = async (name: string) => {
    const stream = await startTunnelPair(target, `${name}stream-`, childOptions);
    running.push(stream);
    const classic = await startTunnelPair(target, `${name}classic-`, childOptions, true);
    running.push(classic);
    return {stream, classic};
  };
  const stopPairs = async () => {
    for (const pair of running.splice(0)) await pair.stop();
  };
  try {
    relay = await startRelayChain(target);

    log(`new connections: ${PARAMS.cycles} sequential cycles each way...`);
    const first = await pairs('');
    const routes = routesOf(first.stream, first.classic, relay, target);
    const cycles = await newConnections(routes, {cycles: PARAMS.cycles, warmup: PARAMS.cycleWarmup, block: PARAMS.cycleBlock});
    log(`new connections: ${PARAMS.cycles} cycles each through the stream tunnel, two relays that keep half-close, the least websocket tunnel and the plain relays, in turns...`);
    const websocketFloor = await startWebsocketFloor(target);
    let halfClose: HalfCloseFloor;
    let oneStreamFloor: StreamFloor;
    try {
      halfClose = await halfCloseFloor({stream: first.stream.echo, relay: relay.halfCloseEcho, websocketFloor: websocketFloor.echo, plainRelay: relay.echo}, {cycles: PARAMS.cycles, block: PARAMS.cycleBlock});
      log(`one stream: ${PARAMS.singleBytes / MiB} MiB, ${PARAMS.reps} times each through the stream tunnel, the relays and the least websocket tunnel, in turns...`);
      for (const child of [first.stream.server, first.stream.client, ...relay.relays, ...websocketFloor.processes]) await child.memory();
      oneStreamFloor = await streamFloor({stream: first.stream.sink, relay: relay.sink, websocketFloor: websocketFloor.sink}, {bytes: PARAMS.singleBytes, reps: PARAMS.reps});
    } finally {
      await websocketFloor.stop();
    }

    log(`bursts: ${PARAMS.burst} connections x ${PARAMS.burstSize / 1024} KiB at once, ${PARAMS.burstReps} times each way...`);
    const dropsBefore = listenDrops();
    const burst = await bursts(routes, {connections: PARAMS.burst, size: PARAMS.burstSize, reps: PARAMS.burstReps});
    const dropsAfter = listenDrops();

    log(`event stream: ${PARAMS.churnRate} new connections/s for ${PARAMS.churnSeconds} s through the stream tunnel, one /events subscriber...`);
    const churn = await withTimeout(eventStreamUnderChurn(first.stream.server.port('server'), first.stream.echo, PARAMS.churnRate, PARAMS.churnSeconds), 120_000, 'event stream');
    await stopPairs();

    const single: Throughput = emptyThroughput();
    const parallel: Throughput = emptyThroughput();
    for (let round = 0; round < PARAMS.reps; round += 1) {
      log(`throughput round ${round + 1}/${PARAMS.reps}: ${PARAMS.singleBytes / MiB} MiB on one stream, ${PARAMS.parallelBytes / MiB} MiB on ${PARAMS.streams}...`);
      const fresh = await pairs(`round${round + 1}-`);
      const roundRoutes = routesOf(fresh.stream, fresh.classic, relay, target);
      for (const port of Object.values(roundRoutes.sink)) await pushToSink(port, 16 * MiB);
      // A full collection first, as V8's memory reducer does to any server that has been idle.
      for (const child of [fresh.stream.server, fresh.stream.client, fresh.classic.server, fresh.classic.client, ...relay.relays]) await child.memory();
      await throughputRound(round, roundRoutes, PARAMS.singleBytes, (port) => withTimeout(pushToSink(port, PARAMS.singleBytes), 120_000, 'single stream'), single);
      await throughputRound(
        round,
        roundRoutes,
        PARAMS.parallelBytes,
        (port) => withTimeout(pushParallel(port, PARAMS.streams, PARAMS.parallelBytes), 120_000, 'parallel streams'),
        parallel,
      );
      await stopPairs();
    }

    log(`memory: ${PARAMS.idle} idle connections over ${PARAMS.idlePairs} server and client pairs, stream extension...`);
    const idleStream = await idleMemory(target, {connections: PARAMS.idle, pairs: PARAMS.idlePairs, classic: false, childOptions});
    log(`memory: ${PARAMS.idle} idle connections, classic wire...`);
    const idleClassic = await idleMemory(target, {connections: PARAMS.idle, pairs: PARAMS.idlePairs, classic: true, childOptions});

    const consoleResult = await withTimeout(consoleBench({quick: PARAMS.quick, log}), 300_000, 'console bench');

    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    const summary = summarize({params: PARAMS, cycles, halfClose, oneStreamFloor, burst, single, parallel, idleStream, idleClassic, churn});
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`\n${formatTable(summary.rows)}\n`);
    for (const line of summary.verdicts) out(line);
    out(`\n${formatConsoleTable(consoleResult)}\n`);
    const drops = dropsBefore === undefined || dropsAfter === undefined ? undefined : dropsAfter - dropsBefore;
    if (drops) out(`SYNs dropped by full listen queues during the bursts (machine-wide): ${drops}`);
    const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${flags.sources ? 'the sources through tsx' : 'the build (dist/)'}`;
    out(`(${machine}; load average before ${loadBefore.map((load) => load.toFixed(2)).join(' ')}, after ${loadavg().map((load) => load.toFixed(2)).join(' ')}; ${elapsedSeconds.toFixed(0)} s)`);
    for (const failure of summary.failures.slice(0, 10)) out(`  failure: ${failure}`);
    if (flags.markdown) writeFileSync(flags.markdown, `${formatMarkdown(summary.rows)}\n\n${formatConsoleTable(consoleResult, 'markdown')}\n`);
    if (flags.json) {
      const report = {date: new Date().toISOString(), machine, loadBefore, loadAfter: loadavg(), elapsedSeconds, params: PARAMS, summary: summary.figures, samples: {cycles, halfClose, oneStreamFloor, burst, single, parallel, idleStream, idleClassic, churn}, console: consoleResult};
      writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
      log(`wrote ${flags.json}`);
    }
    if (summary.failures.length > 0) process.exitCode = 1;
  } finally {
    await stopPairs();
    await relay?.stop();
    await target.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
