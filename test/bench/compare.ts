/**
 * Side-by-side comparison of two versions of netunnel, for judging an engine change on a
 * noisy machine: each version gets its own server and client processes, both share one
 * target process, and the measurements alternate between them so noise hits both alike.
 *
 *   npx tsx test/bench/compare.ts --base DIR [--measure single|parallel|latency] [--reps N] [--cycles N]
 *
 * DIR is another checkout (e.g. `git worktree add /tmp/base HEAD~1`, with node_modules linked).
 * With BENCH_BUILT=1 both versions run their build (dist/: run `npm run build` in each first).
 * Besides wall-clock results it reports the CPU time the client and server processes used per
 * MiB or per connection, which is far less sensitive to other load than the wall clock.
 */
import {parseArgs} from 'node:util';
import {resolve} from 'node:path';
import {BenchChild} from './children.js';
import {startTunnelPair, type TunnelPair} from './tunnel-pair.js';
import {connectionCycle, pushParallel, pushToSink} from './load.js';
import {median} from './stats.js';
import {fixed} from './report.js';

const {values: flags} = parseArgs({
  options: {
    base: {type: 'string'},
    measure: {type: 'string', default: 'single'},
    reps: {type: 'string', default: '8'},
    cycles: {type: 'string', default: '200'},
  },
});
if (!flags.base) {
  process.stderr.write('usage: compare.ts --base DIR [--measure single|parallel|latency] [--reps N] [--cycles N]\n');
  process.exit(2);
}
const measure = flags.measure!;
if (!['single', 'parallel', 'latency'].includes(measure)) throw new Error(`unknown --measure ${measure}`);
const reps = Number(flags.reps);
const MiB = 1024 * 1024;
const BYTES = 256 * MiB;
const CYCLES = Number(flags.cycles);

interface Version {
  name: string;
  env: Record<string, string> | undefined;
  results: number[];
  clientCpu: number[];
  serverCpu: number[];
}

const cpuMs = async (child: BenchChild) => {
  const sample = await child.cpu();
  return sample.userMs + sample.systemMs;
};

const target = await BenchChild.start('target', './target-child.ts', []);
const versions: Version[] = [
  {name: 'base', env: {BENCH_SOURCE_ROOT: resolve(flags.base)}, results: [], clientCpu: [], serverCpu: []},
  {name: 'this', env: undefined, results: [], clientCpu: [], serverCpu: []},
];
let running: TunnelPair | undefined;
try {
  for (let rep = 0; rep < reps; rep += 1) {
    for (const version of rep % 2 === 0 ? versions : [...versions].reverse()) {
      // Fresh processes every time: a process's garbage collector settles into a cheap or an
      // expensive rhythm by chance, and that must not be mistaken for the version's doing.
      const pair = await startTunnelPair(target, `${version.name}-`, {env: version.env});
      running = pair;
      const {client, server} = pair;
      await pushToSink(client.port('sink'), 16 * MiB);
      for (let index = 0; index < 20; index += 1) await connectionCycle(client.port('echo'));
      // One full collection, as in run.ts: the state of a long-running process.
      await server.memory();
      await client.memory();
      const [client0, server0] = [await cpuMs(client), await cpuMs(server)];
      let units: number;
      if (measure === 'latency') {
        const cycles: number[] = [];
        for (let index = 0; index < CYCLES; index += 1) cycles.push((await connectionCycle(client.port('echo'))).cycleMs);
        version.results.push(median(cycles));
        units = CYCLES;
      } else {
        const ms = measure === 'single' ? await pushToSink(client.port('sink'), BYTES) : await pushParallel(client.port('sink'), 8, BYTES);
        version.results.push(BYTES / 1e6 / (ms / 1000));
        units = BYTES / MiB;
      }
      version.clientCpu.push(((await cpuMs(client)) - client0) / units);
      version.serverCpu.push(((await cpuMs(server)) - server0) / units);
      await pair.stop();
      running = undefined;
    }
  }
  const unit = measure === 'latency' ? 'p50 ms' : 'MB/s';
  const per = measure === 'latency' ? 'connection' : 'MiB';
  for (const version of versions) {
    process.stdout.write(
      `${version.name.padEnd(4)}  ${unit} ${fixed(median(version.results), measure === 'latency' ? 3 : 0).padStart(8)}` +
        `   CPU ms per ${per}: client ${fixed(median(version.clientCpu), 2)}, server ${fixed(median(version.serverCpu), 2)}` +
        `   (runs: ${version.results.map((value) => fixed(value, measure === 'latency' ? 2 : 0)).join(' ')})\n`,
    );
  }
} finally {
  await running?.stop();
  await target.stop();
}
