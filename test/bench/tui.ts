/**
 * Measures netunnel-tui in a real pseudo-terminal: bytes written to the terminal and CPU while
 * idle with 50 live tunnels, bytes while one tunnel carries traffic, and the time from a key
 * press to the frame that shows its result. Run: `npx tsx test/bench/tui.ts` (Linux: CPU is
 * read from /proc).
 */
import {readFileSync} from 'node:fs';
import {connect} from 'node:net';
import {startConsoleInPty} from '../helpers/pty-console.js';
import {connectClient, startServer} from '../helpers/netunnel.js';
import {startEchoServer} from '../helpers/tcp.js';

const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 20);
const PRESSES = 30;

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const {server, url} = await startServer();
const echo = await startEchoServer();
const client = await connectClient(url);
const tunnels = [];
for (let index = 0; index < 50; index += 1) tunnels.push(await client.openTunnelToServer({exitPort: echo.port}));
const columns = Number(process.env.COLUMNS_ ?? 120);
const rows = Number(process.env.ROWS_ ?? 40);
const tui = startConsoleInPty([url], {columns, rows});
try {
  await tui.waitFor(/Tunnels \(50\)/, 30_000);
  await tui.waitFor(/ 1 127\.0\.0\.1:\d+ ● \S+ \d+ms/, 30_000);
  await sleep(3000);

  // Idle.
  const bytesBefore = tui.bytesWritten();
  const ticksBefore = cpuTicks(tui.pid);
  const started = Date.now();
  await sleep(IDLE_SECONDS * 1000);
  const seconds = (Date.now() - started) / 1000;
  const idleBytes = (tui.bytesWritten() - bytesBefore) / seconds;
  const idleCpu = ((cpuTicks(tui.pid) - ticksBefore) / 100 / seconds) * 100;

  // One tunnel carrying a steady trickle (about 100 KB/s).
  const socket = connect({port: tunnels[0]!.entrance.port, host: '127.0.0.1'});
  socket.on('data', () => {});
  const trickle = setInterval(() => socket.write(Buffer.alloc(10_000)), 100);
  await sleep(2000);
  const busyBefore = tui.bytesWritten();
  const busyTicks = cpuTicks(tui.pid);
  const busyStarted = Date.now();
  await sleep(10_000);
  const busySeconds = (Date.now() - busyStarted) / 1000;
  const busyBytes = (tui.bytesWritten() - busyBefore) / busySeconds;
  const busyCpu = ((cpuTicks(tui.pid) - busyTicks) / 100 / busySeconds) * 100;
  clearInterval(trickle);
  socket.destroy();
  await sleep(2000);

  // Key press to frame: j / k move the selection; the time until the frame's bytes arrive
  // (the frame is one write), checked on screen afterwards.
  const latencies: number[] = [];
  for (let press = 0; press < PRESSES; press += 1) {
    const key = press % 2 === 0 ? 'j' : 'k';
    const expected = press % 2 === 0 ? /▶ 1\/2 / : /▶ 1\/1 /;
    let arrived = 0;
    const stop = tui.onOutput((data) => {
      if (arrived === 0 && data.includes('▶')) arrived = performance.now();
    });
    const sent = performance.now();
    tui.write(key);
    await tui.waitFor((screen) => arrived > 0 && expected.test(screen), 5000);
    stop();
    latencies.push(arrived - sent);
    await sleep(150);
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;

  console.log(`${columns}x${rows}, idle, 50 live tunnels, ${seconds.toFixed(0)} s: ${idleBytes.toFixed(1)} B/s written, CPU ${idleCpu.toFixed(2)} %`);
  console.log(`one tunnel carrying ~100 KB/s, 10 s: ${busyBytes.toFixed(0)} B/s written, CPU ${busyCpu.toFixed(2)} %`);
  console.log(`${columns}x${rows}: key press to frame on the terminal (${PRESSES} presses, pty round trip included): median ${percentile(50).toFixed(1)} ms, p90 ${percentile(90).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
  tui.write('q');
  console.log(`exit code ${await tui.exited}`);
} finally {
  await tui.close();
  await client.close();
  await server.close();
  await echo.close();
}
