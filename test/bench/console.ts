/**
 * netunnel-tui in a real pseudo-terminal (a child process, rendered by a headless xterm):
 *
 * - key press to frame: j / k move the selection in the Tunnels pane, timed from the write to
 *   the pty until the frame's bytes arrive (the pty round trip included), at 80x24 and 200x50;
 * - idle: with 1000 open (idle) connections through 50 tunnels on screen, the bytes the console
 *   writes to its terminal per second, and its CPU (% of one core, Linux /proc);
 * - busy: the same while one tunnel carries a steady trickle (its counters move every second).
 *
 * Part of `npm run bench` (its rows are added to the table); alone, after `npm run build` (the
 * console runs from dist/, as in the tests):
 *
 *   npx tsx test/bench/console.ts [--quick]
 */
import {readFileSync} from 'node:fs';
import {connect, type Socket} from 'node:net';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';
import {startConsoleInPty, type ConsoleInPty} from '../helpers/pty-console.js';
import {connectClient, startServer} from '../helpers/netunnel.js';
import {startEchoServer} from '../helpers/tcp.js';
import {fixed} from './report.js';
import {percentile} from './stats.js';

export const CONSOLE_TARGETS = {keyP90Ms: 50, idleBytesPerSecond: 200, idleCpuPercent: 2};

export interface ConsoleBenchResult {
  keys: Array<{size: string; presses: number; p50: number; p90: number; max: number}>;
  idle: {connections: number; tunnels: number; seconds: number; bytesPerSecond: number; cpuPercent: number};
  /** The same screen while one tunnel carries a steady trickle (about 100 kB/s). */
  busy: {seconds: number; bytesPerSecond: number; cpuPercent: number};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** utime + stime of a process, in clock ticks (100 a second on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** What the console writes (bytes a second) and the CPU it takes (% of one core) over the next `seconds`. */
async function measureConsole(tui: ConsoleInPty, seconds: number): Promise<{seconds: number; bytesPerSecond: number; cpuPercent: number}> {
  const bytes = tui.bytesWritten();
  const ticks = cpuTicks(tui.pid);
  const started = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  return {seconds: elapsed, bytesPerSecond: (tui.bytesWritten() - bytes) / elapsed, cpuPercent: ((cpuTicks(tui.pid) - ticks) / 100 / elapsed) * 100};
}

/** The selected row of the Tunnels pane is `1/N`. */
const selectedIs = (id: number) => (screen: string) => screen.split('\n').some((line) => line.startsWith(`▶ 1/${id} `));

async function keyLatencies(tui: ConsoleInPty, presses: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let press = 0; press < presses; press += 1) {
    const down = press % 2 === 0;
    let arrived = 0;
    const stop = tui.onOutput((data) => {
      if (arrived === 0 && data.includes('▶')) arrived = performance.now();
    });
    const sent = performance.now();
    tui.write(down ? 'j' : 'k');
    await tui.waitFor((screen) => arrived > 0 && selectedIs(down ? 2 : 1)(screen), 5000);
    stop();
    latencies.push(arrived - sent);
    // Apart, as a user types: not a burst.
    await sleep(60);
  }
  return latencies;
}

async function openIdleConnections(ports: number[], perPort: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (const port of ports) {
    await Promise.all(
      Array.from({length: perPort}, async () => {
        const socket = connect({host: '127.0.0.1', port});
        socket.on('error', () => {});
        sockets.push(socket);
        await once(socket, 'connect');
        // One byte echoed: the connection is through to the exit, then left idle.
        socket.write('x');
        await once(socket, 'data');
      }),
    );
  }
  return sockets;
}

export async function consoleBench(options: {quick: boolean; log?: (line: string) => void}): Promise<ConsoleBenchResult> {
  const log = options.log ?? (() => {});
  const presses = options.quick ? 20 : 60;
  const idleSeconds = options.quick ? 5 : 20;
  const busySeconds = options.quick ? 3 : 10;
  const connections = 1000;
  const tunnelCount = 50;
  const {server, url} = await startServer();
  const echo = await startEchoServer();
  const client = await connectClient(url);
  let sockets: Socket[] = [];
  try {
    const tunnels = [];
    for (let index = 0; index < tunnelCount; index += 1) tunnels.push(await client.openTunnelToServer({exitPort: echo.port}));
    const keys: ConsoleBenchResult['keys'] = [];
    for (const [columns, rows] of [
      [80, 24],
      [200, 50],
    ] as const) {
      log(`console: ${presses} key presses at ${columns}x${rows}...`);
      const tui = startConsoleInPty([url], {columns, rows});
      try {
        await tui.waitFor((screen) => /Tunnels \(50\)/.test(screen) && selectedIs(1)(screen), 30_000);
        await sleep(1000);
        const latencies = await keyLatencies(tui, presses);
        keys.push({size: `${columns}x${rows}`, presses, p50: percentile(latencies, 50), p90: percentile(latencies, 90), max: Math.max(...latencies)});
      } finally {
        await tui.close();
      }
    }

    log(`console: ${connections} idle connections through ${tunnelCount} tunnels, ${idleSeconds} s idle...`);
    sockets = await openIdleConnections(
      tunnels.map((tunnel) => tunnel.entrance.port),
      connections / tunnelCount,
    );
    const tui = startConsoleInPty([url], {columns: 120, rows: 60});
    try {
      await tui.waitFor((screen) => /Tunnels \(50\)/.test(screen) && / 20\/20 /.test(screen) && / \d+ms/.test(screen.split('\n')[0] ?? ''), 30_000);
      // Settled: the rates of the opening have gone to zero, the sparklines flat.
      await sleep(8000);
      const idle = {connections: sockets.length, tunnels: tunnelCount, ...(await measureConsole(tui, idleSeconds))};
      log(`console: one tunnel carrying about 100 kB/s, ${busySeconds} s...`);
      const trickling = connect({port: tunnels[0]!.entrance.port, host: '127.0.0.1'});
      trickling.on('error', () => {});
      trickling.on('data', () => {});
      const trickle = setInterval(() => trickling.write(Buffer.alloc(10_000)), 100);
      try {
        await sleep(2000);
        const busy = await measureConsole(tui, busySeconds);
        return {keys, idle, busy};
      } finally {
        clearInterval(trickle);
        trickling.destroy();
      }
    } finally {
      await tui.close();
    }
  } finally {
    for (const socket of sockets) socket.destroy();
    await client.close();
    await server.close();
    await echo.close();
  }
}

/** The console's measures as a table of their own: measure, value, target, met. */
export function formatConsoleTable(result: ConsoleBenchResult, format: 'text' | 'markdown' = 'text'): string {
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const rows: string[][] = [
    ...result.keys.flatMap((keys) => [
      [`console key press to frame p50 ms, ${keys.size} (pty)`, fixed(keys.p50, 1), '', ''],
      [`console key press to frame p90 ms, ${keys.size} (pty)`, fixed(keys.p90, 1), `< ${CONSOLE_TARGETS.keyP90Ms}`, yes(keys.p90 < CONSOLE_TARGETS.keyP90Ms)],
    ]),
    [
      `console idle B/s written, ${result.idle.connections} conns, ${result.idle.tunnels} tunnels`,
      fixed(result.idle.bytesPerSecond, 1),
      `< ${CONSOLE_TARGETS.idleBytesPerSecond}`,
      yes(result.idle.bytesPerSecond < CONSOLE_TARGETS.idleBytesPerSecond),
    ],
    ['console idle CPU % of a core', fixed(result.idle.cpuPercent, 2), `< ${CONSOLE_TARGETS.idleCpuPercent}`, yes(result.idle.cpuPercent < CONSOLE_TARGETS.idleCpuPercent)],
    ['console B/s written, one tunnel carrying ~100 kB/s', fixed(result.busy.bytesPerSecond, 1), '', ''],
    ['console CPU % of a core, same', fixed(result.busy.cpuPercent, 2), '', ''],
  ];
  const header = ['measure', 'value', 'target', 'met'];
  if (format === 'markdown') return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const result = await consoleBench({quick, log: (line) => process.stderr.write(`${line}\n`)});
  process.stdout.write(`${formatConsoleTable(result)}\n`);
}
