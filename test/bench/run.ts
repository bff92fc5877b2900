/**
 * `npm run bench`: the tunnel against a direct loopback connection, side by side, with the
 * NetunnelServer and the NetunnelClient each in its own process and the target services
 * (sink, echo) in a third; the load comes from this process.
 *
 *   npm run bench [-- --json FILE] [--profile DIR] [--quick]
 *
 * --json FILE    also write every sample and the summary as JSON
 * --profile DIR  run the server and client children with --cpu-prof, profiles go to DIR
 * --quick        small sizes, for a smoke run
 */
import {writeFileSync, mkdirSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import {parseArgs} from 'node:util';
import {BenchChild} from './children.js';
import {closeAll, concurrentEcho, connectionCycle, openIdle, pushParallel, pushToSink, withTimeout, type ConcurrentResult} from './load.js';
import {formatTable, fixed, type Row} from './report.js';
import {median, percentile} from './stats.js';

const {values: flags} = parseArgs({
  options: {
    json: {type: 'string'},
    profile: {type: 'string'},
    quick: {type: 'boolean', default: false},
  },
});

const MiB = 1024 * 1024;
const params = flags.quick
  ? {reps: 2, singleBytes: 32 * MiB, parallelBytes: 32 * MiB, streams: 8, cycles: 200, cycleWarmup: 20, cycleBlock: 50, concurrent: 200, concurrentSize: 64 * 1024, idle: 100}
  : {reps: 5, singleBytes: 256 * MiB, parallelBytes: 256 * MiB, streams: 8, cycles: 1000, cycleWarmup: 100, cycleBlock: 100, concurrent: 1000, concurrentSize: 64 * 1024, idle: 500};

const TARGET_SINGLE_RATIO = 0.3;
const TARGET_P50_RATIO = 3;

const log = (message: string) => process.stderr.write(`${message}\n`);
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

interface Side {
  tunnel: number[];
  direct: number[];
}

/** Runs `measure` on the tunnel and direct ports, alternating which goes first. */
async function interleaved(reps: number, measure: (port: number) => Promise<number>, ports: {tunnel: number; direct: number}): Promise<Side> {
  const side: Side = {tunnel: [], direct: []};
  for (let rep = 0; rep < reps; rep += 1) {
    const order: Array<keyof Side> = rep % 2 === 0 ? ['tunnel', 'direct'] : ['direct', 'tunnel'];
    for (const which of order) side[which].push(await measure(ports[which]));
  }
  return side;
}

async function main(): Promise<void> {
  if (flags.profile) mkdirSync(flags.profile, {recursive: true});
  const childOptions = {profileDir: flags.profile};
  const children: BenchChild[] = [];
  const startedAt = Date.now();
  try {
    log('starting target, server and client processes...');
    const target = await BenchChild.start('target', './target-child.ts', []);
    children.push(target);
    const server = await BenchChild.start('server', './server-child.ts', [], childOptions);
    children.push(server);
    const client = await BenchChild.start(
      'client',
      './client-child.ts',
      [`http://127.0.0.1:${server.port('server')}`, `sink=${target.port('sink')}`, `echo=${target.port('echo')}`],
      childOptions,
    );
    children.push(client);
    const sink = {tunnel: client.port('sink'), direct: target.port('sink')};
    const echo = {tunnel: client.port('echo'), direct: target.port('echo')};

    // 5. Memory per idle connection, first, while the processes are fresh.
    log(`memory: ${params.idle} idle tunnelled connections...`);
    await closeAll(await withTimeout(openIdle(echo.tunnel, 50), 30_000, 'memory warm-up'));
    const before = {server: await server.memory(), client: await client.memory()};
    const idle = await withTimeout(openIdle(echo.tunnel, params.idle), 60_000, 'opening idle connections');
    const after = {server: await server.memory(), client: await client.memory()};
    await closeAll(idle);
    const perConnection = (key: 'rss' | 'heapUsed', which: 'server' | 'client') => (after[which][key] - before[which][key]) / params.idle / 1024;

    log('warming up...');
    await interleaved(1, (port) => pushToSink(port, 16 * MiB), sink);
    for (let index = 0; index < params.cycleWarmup; index += 1) {
      await connectionCycle(echo.tunnel);
      await connectionCycle(echo.direct);
    }

    log(`single stream: ${params.reps} x ${params.singleBytes / MiB} MiB each way...`);
    const single = await interleaved(params.reps, (port) => withTimeout(pushToSink(port, params.singleBytes), 60_000, 'single stream'), sink);

    log(`${params.streams} streams: ${params.reps} x ${params.parallelBytes / MiB} MiB in all...`);
    const parallel = await interleaved(
      params.reps,
      (port) => withTimeout(pushParallel(port, params.streams, params.parallelBytes), 60_000, 'parallel streams'),
      sink,
    );

    log(`new connections: ${params.cycles} sequential cycles each way...`);
    const cycles = {tunnel: [] as number[], direct: [] as number[]};
    const echoes = {tunnel: [] as number[], direct: [] as number[]};
    for (let done = 0, block = 0; done < params.cycles; done += params.cycleBlock, block += 1) {
      const order: Array<'tunnel' | 'direct'> = block % 2 === 0 ? ['tunnel', 'direct'] : ['direct', 'tunnel'];
      for (const which of order) {
        for (let index = 0; index < params.cycleBlock; index += 1) {
          const timing = await withTimeout(connectionCycle(echo[which]), 10_000, 'connection cycle');
          cycles[which].push(timing.cycleMs);
          echoes[which].push(timing.echoMs);
        }
      }
    }

    log(`concurrency: ${params.concurrent} connections x ${params.concurrentSize / 1024} KiB at once...`);
    const concurrent: {tunnel: ConcurrentResult; direct: ConcurrentResult} = {
      tunnel: await withTimeout(concurrentEcho(echo.tunnel, params.concurrent, params.concurrentSize), 120_000, 'concurrent echo (tunnel)'),
      direct: await withTimeout(concurrentEcho(echo.direct, params.concurrent, params.concurrentSize), 120_000, 'concurrent echo (direct)'),
    };

    // Summary.
    const singleRate = {tunnel: median(single.tunnel.map((ms) => mbps(params.singleBytes, ms))), direct: median(single.direct.map((ms) => mbps(params.singleBytes, ms)))};
    const parallelRate = {
      tunnel: median(parallel.tunnel.map((ms) => mbps(params.parallelBytes, ms))),
      direct: median(parallel.direct.map((ms) => mbps(params.parallelBytes, ms))),
    };
    const p = (values: number[], q: number) => percentile(values, q);
    const singleRatio = singleRate.tunnel / singleRate.direct;
    const p50Ratio = p(cycles.tunnel, 50) / p(cycles.direct, 50);
    const allIntact = concurrent.tunnel.intact === concurrent.tunnel.connections && concurrent.direct.intact === concurrent.direct.connections;
    const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
    const blank = {target: '', met: ''};
    const rows: Row[] = [
      {measure: 'single stream MB/s (median)', tunnel: fixed(singleRate.tunnel, 0), direct: fixed(singleRate.direct, 0), ratio: fixed(singleRatio, 2), target: `>= ${TARGET_SINGLE_RATIO}`, met: yes(singleRatio >= TARGET_SINGLE_RATIO)},
      {measure: `${params.streams} streams MB/s (median, aggregate)`, tunnel: fixed(parallelRate.tunnel, 0), direct: fixed(parallelRate.direct, 0), ratio: fixed(parallelRate.tunnel / parallelRate.direct, 2), ...blank},
      {measure: 'new connection p50 ms (full cycle)', tunnel: fixed(p(cycles.tunnel, 50), 3), direct: fixed(p(cycles.direct, 50), 3), ratio: fixed(p50Ratio, 2), target: `<= ${TARGET_P50_RATIO}`, met: yes(p50Ratio <= TARGET_P50_RATIO)},
      {measure: 'new connection p99 ms (full cycle)', tunnel: fixed(p(cycles.tunnel, 99), 3), direct: fixed(p(cycles.direct, 99), 3), ratio: fixed(p(cycles.tunnel, 99) / p(cycles.direct, 99), 2), ...blank},
      {measure: 'new connection p50 ms (to the echo)', tunnel: fixed(p(echoes.tunnel, 50), 3), direct: fixed(p(echoes.direct, 50), 3), ratio: fixed(p(echoes.tunnel, 50) / p(echoes.direct, 50), 2), ...blank},
      {measure: 'new connection p99 ms (to the echo)', tunnel: fixed(p(echoes.tunnel, 99), 3), direct: fixed(p(echoes.direct, 99), 3), ratio: fixed(p(echoes.tunnel, 99) / p(echoes.direct, 99), 2), ...blank},
      {
        measure: `${params.concurrent} x ${params.concurrentSize / 1024} KiB concurrent echo, wall s`,
        tunnel: fixed(concurrent.tunnel.wallMs / 1000, 2),
        direct: fixed(concurrent.direct.wallMs / 1000, 2),
        ratio: fixed(concurrent.tunnel.wallMs / concurrent.direct.wallMs, 2),
        ...blank,
      },
      {measure: '  connections intact (byte-checked)', tunnel: `${concurrent.tunnel.intact}/${concurrent.tunnel.connections}`, direct: `${concurrent.direct.intact}/${concurrent.direct.connections}`, ratio: '', target: 'all', met: yes(allIntact)},
      {measure: `idle connection RSS KiB/conn, server (n=${params.idle})`, tunnel: fixed(perConnection('rss', 'server'), 1), direct: '', ratio: '', ...blank},
      {measure: `idle connection RSS KiB/conn, client (n=${params.idle})`, tunnel: fixed(perConnection('rss', 'client'), 1), direct: '', ratio: '', ...blank},
      {measure: 'idle connection heap KiB/conn, server', tunnel: fixed(perConnection('heapUsed', 'server'), 1), direct: '', ratio: '', ...blank},
      {measure: 'idle connection heap KiB/conn, client', tunnel: fixed(perConnection('heapUsed', 'client'), 1), direct: '', ratio: '', ...blank},
    ];
    const elapsed = (Date.now() - startedAt) / 1000;
    process.stdout.write(`\n${formatTable(rows)}\n\n`);
    process.stdout.write(`single stream ${fixed(singleRatio, 2)}x direct (target >= ${TARGET_SINGLE_RATIO}x): ${singleRatio >= TARGET_SINGLE_RATIO ? 'met' : 'NOT met'}\n`);
    process.stdout.write(`new connection p50 ${fixed(p50Ratio, 2)}x direct (target <= ${TARGET_P50_RATIO}x): ${p50Ratio <= TARGET_P50_RATIO ? 'met' : 'NOT met'}\n`);
    process.stdout.write(`all ${params.concurrent} concurrent connections intact: ${allIntact ? 'yes' : 'NO'}\n`);
    process.stdout.write(`(${cpus().length} CPUs, load ${loadavg().map((load) => load.toFixed(2)).join(' ')}, ${elapsed.toFixed(0)} s)\n`);
    for (const failure of [...concurrent.tunnel.failures, ...concurrent.direct.failures].slice(0, 10)) process.stdout.write(`  failure: ${failure}\n`);

    if (flags.json) {
      const report = {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        loadavg: loadavg(),
        elapsedSeconds: elapsed,
        params,
        summary: {
          singleStreamMBps: {...singleRate, ratio: singleRatio, target: TARGET_SINGLE_RATIO, met: singleRatio >= TARGET_SINGLE_RATIO},
          parallelStreamsMBps: {...parallelRate, ratio: parallelRate.tunnel / parallelRate.direct, streams: params.streams},
          newConnectionCycleMs: {
            tunnel: {p50: p(cycles.tunnel, 50), p99: p(cycles.tunnel, 99)},
            direct: {p50: p(cycles.direct, 50), p99: p(cycles.direct, 99)},
            p50Ratio,
            target: TARGET_P50_RATIO,
            met: p50Ratio <= TARGET_P50_RATIO,
          },
          newConnectionEchoMs: {
            tunnel: {p50: p(echoes.tunnel, 50), p99: p(echoes.tunnel, 99)},
            direct: {p50: p(echoes.direct, 50), p99: p(echoes.direct, 99)},
          },
          concurrentEcho: {
            tunnel: {intact: concurrent.tunnel.intact, connections: concurrent.tunnel.connections, wallMs: concurrent.tunnel.wallMs},
            direct: {intact: concurrent.direct.intact, connections: concurrent.direct.connections, wallMs: concurrent.direct.wallMs},
            allIntact,
          },
          idleConnectionKiB: {
            connections: params.idle,
            serverRss: perConnection('rss', 'server'),
            clientRss: perConnection('rss', 'client'),
            serverHeap: perConnection('heapUsed', 'server'),
            clientHeap: perConnection('heapUsed', 'client'),
          },
        },
        samples: {
          singleStreamMs: single,
          parallelStreamsMs: parallel,
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
    await Promise.all(children.reverse().map((child) => child.stop()));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
