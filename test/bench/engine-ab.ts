/**
 * A/B micro-bench of the engine's classic path in one process, so that a busy machine weighs on
 * both variants alike: this checkout against the one under BENCH_SOURCE_ROOT (another
 * checkout), interleaved, CPU time of this process per trial.
 *
 *   BENCH_SOURCE_ROOT=/path/to/other/checkout npx tsx test/bench/engine-ab.ts [--trials N] [--mib N] [--cycles N]
 *
 * - push: N MiB from the application through the pipe to the far websocket and N MiB back;
 * - chatty: 5000 round trips of 100 bytes (per-chunk work weighs most), with the number of
 *   scavenges it caused (minor GCs: a proxy for what was allocated);
 * - cycle: N connections, each a fresh socket pair and websocket pair, 32 bytes each way,
 *   then the application hangs up (the pipe's own per-connection work is a small part of it);
 * - tunnel: N connections through a classic Entrance (with its WebsocketSupply) and ExitPoint
 *   to an echo, all in this process: CPU per connection of the whole engine, both halves.
 * Prints the median and the minimum CPU of each variant and the ratios this/other (on a shared
 * machine the minimum is the least disturbed trial).
 */
import {createServer, connect, type Server, type Socket} from 'node:net';
import {once} from 'node:events';
import {parseArgs} from 'node:util';
import {PerformanceObserver, constants} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';
import {join} from 'node:path';
import WebSocket, {WebSocketServer} from 'ws';
import {median} from './stats.js';

const {values: flags} = parseArgs({options: {trials: {type: 'string', default: '7'}, mib: {type: 'string', default: '128'}, cycles: {type: 'string', default: '300'}}});
const other = process.env.BENCH_SOURCE_ROOT;
if (!other) throw new Error('BENCH_SOURCE_ROOT: the other checkout');

interface Engine {
  pipe: typeof import('../../source/engine/pipe.js');
  entrance: typeof import('../../source/engine/entrance.js');
  exit: typeof import('../../source/engine/exit.js');
  supply: typeof import('../../source/engine/websocket-supply.js');
}
async function load(root: string | undefined): Promise<Engine> {
  const module = (path: string) => (root ? pathToFileURL(join(root, 'source/engine', path)).href : `../../source/engine/${path}`);
  return {
    pipe: await import(module('pipe.js')),
    entrance: await import(module('entrance.js')),
    exit: await import(module('exit.js')),
    supply: await import(module('websocket-supply.js')),
  };
}
type PipeModule = Engine['pipe'];
const engines: Array<[string, Engine]> = [
  ['this', await load(undefined)],
  ['other', await load(other)],
];
const counters = {socketToWebsocket() {}, websocketToSocket() {}};

async function pairs(): Promise<{app: Socket; socket: Socket; websocket: WebSocket; peer: WebSocket; close(): Promise<void>}> {
  const server = createServer({allowHalfOpen: true});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const app = connect({port: (server.address() as {port: number}).port, host: '127.0.0.1'});
  const [[socket]] = await Promise.all([accepted, once(app, 'connect')]);
  const wss = new WebSocketServer({host: '127.0.0.1', port: 0, perMessageDeflate: false});
  await once(wss, 'listening');
  const connected = once(wss, 'connection') as Promise<[WebSocket]>;
  const websocket = new WebSocket(`ws://127.0.0.1:${(wss.address() as {port: number}).port}/`, {perMessageDeflate: false});
  const [[peer]] = await Promise.all([connected, once(websocket, 'open')]);
  for (const emitter of [app, socket, websocket, peer]) emitter.on('error', () => {});
  return {
    app,
    socket,
    websocket,
    peer,
    close: async () => {
      app.destroy();
      peer.terminate();
      await Promise.all([new Promise((resolve) => server.close(resolve)), new Promise((resolve) => wss.close(resolve))]);
    },
  };
}

async function push(pipe: PipeModule, bytes: number): Promise<number> {
  const {app, socket, websocket, peer, close} = await pairs();
  pipe.pipeSocketToWebsocket(socket, websocket, counters);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const cpu = process.cpuUsage();
  let got = 0;
  const up = new Promise<void>((resolve) =>
    peer.on('message', (data: Buffer) => {
      got += data.length;
      if (got >= bytes) resolve();
    }),
  );
  let back = 0;
  const down = new Promise<void>((resolve) =>
    app.on('data', (data: Buffer) => {
      back += data.length;
      if (back >= bytes) resolve();
    }),
  );
  const sending = (async () => {
    for (let sent = 0; sent < bytes; sent += chunk.length) if (!app.write(chunk)) await once(app, 'drain');
  })();
  const answering = (async () => {
    for (let sent = 0; sent < bytes; sent += chunk.length) {
      if (peer.bufferedAmount > 1024 * 1024) await new Promise((resolve) => peer.send(chunk, resolve));
      else peer.send(chunk);
    }
  })();
  await Promise.all([up, down, sending, answering]);
  const usage = process.cpuUsage(cpu);
  await close();
  return (usage.user + usage.system) / 1000;
}

let scavenges = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (((entry as {detail?: {kind?: number}}).detail?.kind ?? 0) === constants.NODE_PERFORMANCE_GC_MINOR) scavenges += 1;
  }
}).observe({entryTypes: ['gc']});

async function chatty(pipe: PipeModule, rounds: number): Promise<[number, number]> {
  const {app, socket, websocket, peer, close} = await pairs();
  pipe.pipeSocketToWebsocket(socket, websocket, counters);
  peer.on('message', (data: Buffer) => peer.send(data));
  const message = Buffer.alloc(100, 0x63);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const before = scavenges;
  const cpu = process.cpuUsage();
  for (let round = 0; round < rounds; round += 1) {
    const answer = once(app, 'data');
    app.write(message);
    await answer;
  }
  const usage = process.cpuUsage(cpu);
  await new Promise((resolve) => setImmediate(resolve));
  const collected = scavenges - before;
  await close();
  return [(usage.user + usage.system) / 1000, collected];
}

async function cycles(pipe: PipeModule, count: number): Promise<number> {
  let total = 0;
  for (let index = 0; index < count; index += 1) {
    const {app, socket, websocket, peer, close} = await pairs();
    const cpu = process.cpuUsage();
    const piped = pipe.pipeSocketToWebsocket(socket, websocket, counters);
    // The far end echoes; once the application hangs up it closes its side too.
    peer.on('message', (data: Buffer) => peer.send(data));
    const answer = once(app, 'data');
    app.write(Buffer.alloc(32, 0x62));
    await answer;
    app.end();
    await piped.done;
    const usage = process.cpuUsage(cpu);
    total += (usage.user + usage.system) / 1000;
    await close();
  }
  return (total * 1000) / count;
}

const trials = Number(flags.trials);
async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as {port: number}).port;
}

async function tunnel(engine: Engine, count: number): Promise<number> {
  const echo = createServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  const echoPort = await listen(echo);
  const wss = new WebSocketServer({host: '127.0.0.1', port: 0, perMessageDeflate: false});
  await once(wss, 'listening');
  const exit = new engine.exit.ExitPoint({address: '127.0.0.1', port: echoPort});
  wss.on('connection', (websocket) => exit.accept(websocket));
  const url = `ws://127.0.0.1:${(wss.address() as {port: number}).port}/`;
  const supply = new engine.supply.WebsocketSupply(async () => {
    const websocket = new WebSocket(url, {perMessageDeflate: false});
    await once(websocket, 'open');
    websocket.pause();
    return websocket;
  });
  const entrance = new engine.entrance.Entrance(supply);
  const {port} = await entrance.listen('127.0.0.1', 0);
  supply.start();
  await supply.whenReady();
  const cycle = async () => {
    const app = connect({port, host: '127.0.0.1'});
    await once(app, 'connect');
    const answer = once(app, 'data');
    app.write(Buffer.alloc(32, 0x64));
    await answer;
    app.end();
    await once(app, 'close');
  };
  for (let index = 0; index < 20; index += 1) await cycle();
  const cpu = process.cpuUsage();
  for (let index = 0; index < count; index += 1) await cycle();
  const usage = process.cpuUsage(cpu);
  await entrance.stop(true);
  await exit.stop(true);
  for (const client of wss.clients) client.terminate();
  await Promise.all([new Promise((resolve) => wss.close(resolve)), new Promise((resolve) => echo.close(resolve))]);
  return (usage.user + usage.system) / count;
}

const results: Record<string, {push: number[]; chatty: number[]; scavenges: number[]; cycle: number[]; tunnel: number[]}> = {
  this: {push: [], chatty: [], scavenges: [], cycle: [], tunnel: []},
  other: {push: [], chatty: [], scavenges: [], cycle: [], tunnel: []},
};
for (let trial = 0; trial < trials; trial += 1) {
  const order = trial % 2 === 0 ? engines : [...engines].reverse();
  for (const [name, engine] of order) {
    const pipe = engine.pipe;
    results[name]!.tunnel.push(await tunnel(engine, Number(flags.cycles)));
    results[name]!.push.push(await push(pipe, Number(flags.mib) * 1024 * 1024));
    const [chattyMs, collected] = await chatty(pipe, 5000);
    results[name]!.chatty.push(chattyMs);
    results[name]!.scavenges.push(collected);
    results[name]!.cycle.push(await cycles(pipe, Number(flags.cycles)));
  }
}
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
const report: Record<string, number> = {};
for (const kind of ['push', 'chatty', 'scavenges', 'cycle', 'tunnel'] as const) {
  const [mine, theirs] = [results.this![kind], results.other![kind]];
  report[`${kind}MedianThis`] = Math.round(median(mine));
  report[`${kind}MedianOther`] = Math.round(median(theirs));
  report[`${kind}MedianRatio`] = ratio(median(mine), median(theirs));
  report[`${kind}MinRatio`] = ratio(Math.min(...mine), Math.min(...theirs));
}
console.log(JSON.stringify(report));
process.exit(0);
