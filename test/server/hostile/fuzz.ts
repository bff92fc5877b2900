/**
 * `npm run fuzz`: the hostile suite's attacks in rounds, for minutes, against a server in its
 * own process while a client carries data through a forward and a reverse tunnel of it. Prints
 * what was tried and what came back; exits 1 on any unexpected answer, broken byte or crash.
 *
 *   FUZZ_SECONDS     how long to attack (default 120)
 *   FUZZ_REST_RUNS   generated requests per route and round (default 50)
 *   FUZZ_SEED        first seed of the generators (default: the time)
 */
import {connectClient} from '../../helpers/netunnel.js';
import {startStuckService} from '../../helpers/processes.js';
import {rawExchange} from '../../helpers/raw-http.js';
import {startEchoServer} from '../../helpers/tcp.js';
import {startWatchedServer, type MemorySample, type ServerMemory} from '../../helpers/watched-server.js';
import {BarrageFigures, runBarrage} from './attacks/barrage.js';
import {TunnelChecker} from './attacks/tunnel-checker.js';

const MiB = 1024 * 1024;
const seconds = Number(process.env.FUZZ_SECONDS ?? 120);
const restRuns = Number(process.env.FUZZ_REST_RUNS ?? 50);
const firstSeed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const memoryLine = ({rss, heapUsed, arrayBuffers}: MemorySample) => `rss ${mib(rss)}, heap ${mib(heapUsed)}, buffers ${mib(arrayBuffers)}`;
const counts = (map: Map<number | string, number>) =>
  [...map]
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([key, count]) => `${key}: ${count}`)
    .join(', ');

const server = await startWatchedServer({limits: {headers_timeout_ms: 1000, channels_per_address: 1000}});
const [echo, stuck] = await Promise.all([startEchoServer(), startStuckService()]);
const client = await connectClient(server.url);
const forward = await client.openTunnelToServer({exitPort: echo.port});
const reverse = await client.openTunnelToClient({exitPort: echo.port});
const checkers = [new TunnelChecker(forward.entrance.port), new TunnelChecker(reverse.entrance.port)];
for (const checker of checkers) checker.start();
// Interrupted: no child process is left behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([server.kill(), stuck.close()]).finally(() => process.exit(130));
  });
}

const start = await server.memory();
const peak: MemorySample = {...start.peak};
const notePeak = (memory: ServerMemory) => {
  for (const key of ['rss', 'heapUsed', 'arrayBuffers', 'external'] as const) peak[key] = Math.max(peak[key], memory.peak[key], memory[key]);
};
console.log(`fuzzing for ${seconds} s (seed ${firstSeed}, ${restRuns} generated requests per route and round)`);
console.log(`server at start: ${memoryLine(start)}`);

const figures = new BarrageFigures();
const startedAt = Date.now();
let rounds = 0;
while (Date.now() - startedAt < seconds * 1000 && server.exited() === undefined) {
  await runBarrage(
    server,
    {
      echoPort: echo.port,
      stuckPort: stuck.port,
      restRunsPerRoute: restRuns,
      bigFrames: 4,
      bigFramePayload: 16 * MiB,
      earlyBytes: 64 * MiB,
      slowLoris: 50,
      generatedFrames: 200,
      seed: firstSeed + rounds * 100,
      spareChannel: client.channelId,
      onHold: async () => notePeak(await server.memory()),
    },
    figures,
  );
  rounds += 1;
  notePeak(await server.memory());
  process.stdout.write(`round ${rounds}: ${figures.requests} requests, ${figures.frames} frames, ${figures.problems.length} problems\n`);
}

const traffic = await Promise.all(checkers.map((checker) => checker.stop()));
const alive = server.exited() === undefined;
const final = alive ? await server.memory() : undefined;
if (final) notePeak(final);
const version = alive ? await rawExchange(server.port, 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n').catch(() => undefined) : undefined;
const errors = alive ? await server.errors() : ['the server process exited'];
const failures = traffic.flatMap((report) => report.failures);

console.log('');
console.log(`rounds: ${rounds} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
console.log(`requests tried: ${figures.requests}`);
console.log(`  statuses: ${counts(figures.statuses)}`);
console.log(`frames tried: ${figures.frames}`);
console.log(`  close codes: ${counts(figures.closeCodes)}`);
console.log(`server memory at start: ${memoryLine(start)}`);
console.log(`server memory peak:     ${memoryLine(peak)}`);
console.log(final ? `server memory final:    ${memoryLine(final)}` : 'server memory final:    (the server died)');
console.log(`through the tunnels: ${traffic.reduce((sum, report) => sum + report.connections, 0)} connections, ${mib(traffic.reduce((sum, report) => sum + report.bytes, 0))} checked by SHA-256, ${failures.length} broken`);
console.log(`server: ${alive ? 'alive' : server.exited()}, GET /version ${version?.status ?? 'no answer'}, ${errors.length} unexpected errors logged`);
for (const problem of [...figures.problems, ...failures, ...errors].slice(0, 20)) console.log(`  problem: ${problem}`);

await client.close();
await server.kill();
await Promise.all([echo.close(), stuck.close()]);
process.exit(figures.problems.length === 0 && failures.length === 0 && errors.length === 0 && version?.status === 200 ? 0 : 1);
