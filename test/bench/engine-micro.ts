/**
 * Micro-bench of the engine alone: an Entrance in this process, an ExitPoint in a child
 * (engine-exit-child.ts), joined by real websockets on loopback, no server or client layer.
 * It measures what one tunnelled connection costs the engine, to compare two trees
 * (BENCH_SOURCE_ROOT=another checkout) or the classic path with the stream extension.
 *
 *   npx tsx test/bench/engine-micro.ts [--mode classic|stream] [--cycles N] [--mib N]
 *
 * Prints one JSON line:
 * - takeP50Us: a spare websocket being ready, the time its take() needs to hand it over
 *   (the replacement's handshake must not run before it);
 * - cycleP50Us: connect, 32 bytes echoed, end, closed (sequential, after a warm-up);
 * - firstByteP50Us: connect to the first byte of a service that speaks first;
 * - entranceCpuUs / exitCpuUs: CPU per connection of each process over the echo cycles;
 * - mbps, entranceCpuMsPerGiB / exitCpuMsPerGiB: one connection pushing N MiB.
 */
import {connect, type Socket} from 'node:net';
import {once} from 'node:events';
import {parseArgs} from 'node:util';
import WebSocket from 'ws';
import {BenchChild} from './children.js';
import {median} from './stats.js';
import {sourceModule} from './source-root.js';

const {values: flags} = parseArgs({
  options: {
    mode: {type: 'string', default: 'classic'},
    cycles: {type: 'string', default: '1500'},
    mib: {type: 'string', default: '256'},
  },
});
const mode = flags.mode === 'stream' ? 'stream' : 'classic';
const cycles = Number(flags.cycles);
const warmup = Math.ceil(cycles / 10);
const pushBytes = Number(flags.mib) * 1024 * 1024;

const {Entrance} = (await import(sourceModule('engine/entrance.js'))) as typeof import('../../source/engine/entrance.js');

interface Tunnel {
  port: number;
  exit: BenchChild;
  stop(): Promise<void>;
}

interface WebsocketSource {
  start(): void;
  whenReady(): Promise<void>;
  take(): Promise<WebSocket>;
  stop(): void;
  readonly idleCount: number;
}

/** Opens websockets to the exit child as the client's transport hands them over: open and paused. */
function requesterFor(exit: BenchChild): () => Promise<WebSocket> {
  const url = `ws://127.0.0.1:${exit.port('websockets')}/`;
  return async () => {
    const websocket = new WebSocket(url, {perMessageDeflate: false});
    await once(websocket, 'open');
    websocket.pause();
    return websocket;
  };
}

async function startTunnel(target: string): Promise<Tunnel> {
  const exit = await BenchChild.start(`exit-${target}`, './engine-exit-child.ts', [target]);
  const requester = requesterFor(exit);
  let source: WebsocketSource;
  let entrance: InstanceType<typeof Entrance>;
  if (mode === 'stream') {
    const {WebsocketPool} = (await import(sourceModule('engine/websocket-pool.js'))) as typeof import('../../source/engine/websocket-pool.js');
    const pool = new WebsocketPool(requester, {minIdle: 1, maxIdle: 8});
    source = pool;
    entrance = new Entrance(pool);
  } else {
    const {WebsocketSupply} = (await import(sourceModule('engine/websocket-supply.js'))) as typeof import('../../source/engine/websocket-supply.js');
    const supply = new WebsocketSupply(requester);
    source = supply;
    entrance = new Entrance(supply);
  }
  const {port} = await entrance.listen('127.0.0.1', 0);
  source.start();
  await source.whenReady();
  return {
    port,
    exit,
    stop: async () => {
      await entrance.stop(true);
      await exit.stop();
    },
  };
}

function open(port: number): Promise<Socket> {
  const socket = connect({port, host: '127.0.0.1', noDelay: true});
  return once(socket, 'connect').then(() => socket);
}

const PING = Buffer.alloc(32, 0x61);

async function echoCycle(port: number): Promise<number> {
  const started = process.hrtime.bigint();
  const socket = await open(port);
  socket.write(PING);
  let got = 0;
  for await (const chunk of socket) {
    got += (chunk as Buffer).length;
    if (got >= PING.length) break;
  }
  socket.end();
  if (!socket.destroyed) await once(socket, 'close');
  return Number(process.hrtime.bigint() - started) / 1000;
}

async function firstByte(port: number): Promise<number> {
  const started = process.hrtime.bigint();
  const socket = connect({port, host: '127.0.0.1', noDelay: true});
  await once(socket, 'data');
  const elapsed = Number(process.hrtime.bigint() - started) / 1000;
  socket.resume();
  if (!socket.destroyed) await once(socket, 'close');
  return elapsed;
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const childCpuMs = async (child: BenchChild) => {
  const sample = await child.cpu();
  return sample.userMs + sample.systemMs;
};

async function measureTake(): Promise<{takeP50Us: number}> {
  const exit = await BenchChild.start('exit-take', './engine-exit-child.ts', ['echo']);
  const requester = requesterFor(exit);
  let source: WebsocketSource;
  if (mode === 'stream') {
    const {WebsocketPool} = (await import(sourceModule('engine/websocket-pool.js'))) as typeof import('../../source/engine/websocket-pool.js');
    source = new WebsocketPool(requester, {minIdle: 1, maxIdle: 1});
  } else {
    const {WebsocketSupply} = (await import(sourceModule('engine/websocket-supply.js'))) as typeof import('../../source/engine/websocket-supply.js');
    source = new WebsocketSupply(requester);
  }
  source.start();
  const samples: number[] = [];
  for (let index = 0; index < warmup + cycles; index += 1) {
    while (source.idleCount === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const started = process.hrtime.bigint();
    const websocket = await source.take();
    if (index >= warmup) samples.push(Number(process.hrtime.bigint() - started) / 1000);
    websocket.terminate();
  }
  source.stop();
  await exit.stop();
  return {takeP50Us: median(samples)};
}

async function measureCycles(): Promise<{cycleP50Us: number; entranceCpuUs: number; exitCpuUs: number}> {
  const tunnel = await startTunnel('echo');
  for (let index = 0; index < warmup; index += 1) await echoCycle(tunnel.port);
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const exitCpu = await childCpuMs(tunnel.exit);
  for (let index = 0; index < cycles; index += 1) samples.push(await echoCycle(tunnel.port));
  const entranceCpuUs = (cpuMs(process.cpuUsage(cpu)) * 1000) / cycles;
  const exitCpuUs = (((await childCpuMs(tunnel.exit)) - exitCpu) * 1000) / cycles;
  await tunnel.stop();
  return {cycleP50Us: median(samples), entranceCpuUs, exitCpuUs};
}

async function measureFirstByte(): Promise<{firstByteP50Us: number}> {
  const tunnel = await startTunnel('greet');
  for (let index = 0; index < warmup; index += 1) await firstByte(tunnel.port);
  const samples: number[] = [];
  for (let index = 0; index < cycles; index += 1) samples.push(await firstByte(tunnel.port));
  await tunnel.stop();
  return {firstByteP50Us: median(samples)};
}

async function measurePush(): Promise<{mbps: number; entranceCpuMsPerGiB: number; exitCpuMsPerGiB: number}> {
  const tunnel = await startTunnel('sink');
  const socket = await open(tunnel.port);
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(pushBytes));
  const done = once(socket, 'data');
  const cpu = process.cpuUsage();
  const exitCpu = await childCpuMs(tunnel.exit);
  const started = process.hrtime.bigint();
  socket.write(header);
  for (let sent = 0; sent < pushBytes; sent += chunk.length) {
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
  await done;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const gib = pushBytes / 1024 ** 3;
  const result = {
    mbps: pushBytes / 1e6 / (ms / 1000),
    entranceCpuMsPerGiB: cpuMs(process.cpuUsage(cpu)) / gib,
    exitCpuMsPerGiB: ((await childCpuMs(tunnel.exit)) - exitCpu) / gib,
  };
  socket.destroy();
  await tunnel.stop();
  return result;
}

const round = (value: number) => Math.round(value * 10) / 10;
const result = {mode, source: process.env.BENCH_SOURCE_ROOT ?? 'this checkout', ...(await measureTake()), ...(await measureCycles()), ...(await measureFirstByte()), ...(await measurePush())};
console.log(JSON.stringify(Object.fromEntries(Object.entries(result).map(([key, value]) => [key, typeof value === 'number' ? round(value) : value]))));
process.exit(0);
