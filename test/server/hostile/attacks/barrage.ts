/**
 * One round of every attack of the hostile suite against a running server, with what it
 * answered: statuses, close codes, and a problem for every answer that is not the expected
 * one. The survival test runs one round; `npm run fuzz` runs rounds for minutes.
 */
import {connect} from 'node:net';
import fc from 'fast-check';
import {rawExchange} from '../../../helpers/raw-http.js';
import {encodeFrame, OPCODES, rawUpgrade, type RawWebsocket} from '../../../helpers/raw-websocket.js';
import {FRAME_ATTACKS, generatedFrames} from './hostile-frames.js';
import {HOSTILE_REQUESTS} from './hostile-requests.js';
import {openChannel, openForwardTunnel, tunnelWebsocket} from './raw-session.js';
import {ROUTE_COUNT, requestsFor, send} from './rest-bodies.js';

const MiB = 1024 * 1024;

/** Targets that made `new URL()` throw in the old server. */
export const UNPARSABLE_TARGETS = ['//', '//[', '//%zz', '//a:b', '//x@', '/\\', 'http://[/peers'];

export interface BarrageOptions {
  /** Where the forward tunnels under attack lead (an echo service). */
  echoPort: number;
  /** A service whose connects hang, for frames that arrive while the exit connects. */
  stuckPort: number;
  restRunsPerRoute: number;
  /** Frames announcing 100 MiB, each followed by `bigFramePayload` bytes, per websocket kind. */
  bigFrames: number;
  bigFramePayload: number;
  /** Bytes pushed into a tunnel websocket whose exit is still connecting. */
  earlyBytes: number;
  /** Connections trickling their headers, held until the server cuts them (headers timeout). */
  slowLoris: number;
  /** Websockets of each kind (control, tunnel) that get a generated sequence of frames. */
  generatedFrames: number;
  seed: number;
  /** Called while attacks hold their sockets open (what the server keeps of them is at its largest). */
  onHold?(what: string): Promise<void>;
  /**
   * The channel of the client whose traffic is checked meanwhile: without auth, anyone may
   * delete it through the API (and a factory reset may disconnect everyone), so the generated
   * requests leave it alone.
   */
  spareChannel?: number;
}

/** True for a generated request that would legitimately end the spared channel. */
function endsChannel(request: {method: string; path: string; body: string | undefined}, channel: number | undefined): boolean {
  if (channel === undefined) return false;
  if (request.path === `/channels/${channel}` || request.path.startsWith(`/channels/${channel}/`)) return true;
  return request.path === '/config/factory-reset' && (request.body ?? '').includes('"disconnect_clients": true');
}

export class BarrageFigures {
  requests = 0;
  readonly statuses = new Map<number, number>();
  frames = 0;
  readonly closeCodes = new Map<string, number>();
  readonly problems: string[] = [];

  status(status: number): void {
    this.requests += 1;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  /** A close frame's code; null: closed without one; undefined: left open. */
  close(code: number | null | undefined): void {
    const key = code === null ? 'no close frame' : code === undefined ? 'left open' : String(code);
    this.closeCodes.set(key, (this.closeCodes.get(key) ?? 0) + 1);
  }

  expect(what: string, actual: unknown, expected: unknown): void {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) this.problems.push(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

/** Resolves once the bytes left this process (or the server closed). */
function written(websocket: RawWebsocket, chunks: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    for (const chunk of chunks) websocket.write(chunk);
    if (websocket.socket.writableLength === 0 || websocket.closed) resolve();
    else {
      websocket.socket.once('drain', () => resolve());
      websocket.socket.once('close', () => resolve());
    }
  });
}

async function closeCode(websocket: RawWebsocket, frames: Buffer[], figures: BarrageFigures): Promise<number | null> {
  for (const frame of frames) websocket.write(frame);
  figures.frames += frames.length;
  try {
    const {code} = await websocket.closing(10_000);
    figures.close(code);
    return code;
  } catch {
    figures.close(null);
    return -1;
  } finally {
    websocket.destroy();
  }
}

async function rawRequests(port: number, figures: BarrageFigures): Promise<void> {
  for (const request of HOSTILE_REQUESTS) {
    const answer = await rawExchange(port, request.bytes, {timeoutMs: 10_000}).catch((error: Error) => ({status: 0, body: error.message}));
    figures.status(answer.status);
    figures.expect(request.name, {status: answer.status, body: request.body === undefined ? undefined : answer.body}, {status: request.status, body: request.body});
  }
  for (const target of UNPARSABLE_TARGETS) {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const answer = await rawExchange(port, `${method} ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`, {timeoutMs: 10_000}).catch(() => ({status: 0}));
      figures.status(answer.status);
      figures.expect(`${method} ${target}`, answer.status, 404);
    }
    const upgrade = await rawUpgrade(port, target).catch(() => ({status: 0}));
    figures.status(upgrade.status);
    figures.expect(`upgrade ${target}`, upgrade.status, 404);
  }
}

async function frameAttacks(port: number, options: BarrageOptions, figures: BarrageFigures): Promise<void> {
  for (const attack of FRAME_ATTACKS) {
    const {control} = await openChannel(port);
    figures.expect(`control: ${attack.name}`, await closeCode(control, attack.frames(MiB), figures), attack.close);
  }
  const {channelId, control} = await openChannel(port);
  try {
    const tunnelId = await openForwardTunnel(port, channelId, options.echoPort);
    for (const [index, attack] of FRAME_ATTACKS.entries()) {
      const websocket = await tunnelWebsocket(port, channelId, tunnelId);
      // Every other one after the start marker, with the exit connected.
      if (index % 2 === 1) websocket.send({opcode: OPCODES.text, payload: 'pasten'});
      figures.expect(`tunnel: ${attack.name}`, await closeCode(websocket, attack.frames(4 * MiB), figures), attack.close);
    }
    // Frames that announce 100 MiB and keep coming, all at once: refused from their header on.
    const header = encodeFrame({opcode: OPCODES.binary, length: 100 * MiB}).subarray(0, 14);
    const payload = Buffer.alloc(options.bigFramePayload, 0x42);
    const victims: Array<[string, RawWebsocket]> = [];
    for (let index = 0; index < options.bigFrames; index += 1) {
      victims.push(['control: 100 MiB frame', (await openChannel(port)).control]);
      const websocket = await tunnelWebsocket(port, channelId, tunnelId);
      websocket.send({opcode: OPCODES.text, payload: 'pasten'});
      victims.push(['tunnel: 100 MiB frame', websocket]);
    }
    await Promise.all(victims.map(([, websocket]) => written(websocket, [header, payload])));
    figures.frames += victims.length;
    await options.onHold?.('big frames');
    for (const [what, websocket] of victims) figures.expect(what, await closeCode(websocket, [], figures), 1009);
  } finally {
    control.destroy();
  }
}

/** Binary frames after the marker while the exit's connect hangs: the server stops reading. */
async function earlyFrames(port: number, options: BarrageOptions, figures: BarrageFigures): Promise<void> {
  const {channelId, control} = await openChannel(port);
  try {
    const tunnelId = await openForwardTunnel(port, channelId, options.stuckPort);
    const websocket = await tunnelWebsocket(port, channelId, tunnelId);
    websocket.send({opcode: OPCODES.text, payload: 'pasten'});
    const frame = encodeFrame({opcode: OPCODES.binary, payload: Buffer.alloc(64 * 1024, 0x43)});
    let stalled = false;
    for (let written = 0; written < options.earlyBytes && !stalled; written += frame.length) {
      figures.frames += 1;
      if (websocket.write(frame)) continue;
      const drain = new Promise<boolean>((resolve) => websocket.socket.once('drain', () => resolve(true)));
      stalled = !(await Promise.race([drain, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000))]));
    }
    figures.expect('early frames: the server stops reading while its exit connects', stalled, true);
    await options.onHold?.('early frames');
    websocket.destroy();
  } finally {
    control.destroy();
  }
}

/**
 * Generated frames, then a ping: the server answers it (it ignored or took the frames), closes
 * (its close code is counted), or waits for bytes a lying length announced. Ten at a time.
 */
async function randomFrames(port: number, options: BarrageOptions, figures: BarrageFigures): Promise<void> {
  const {channelId, control} = await openChannel(port);
  try {
    const tunnelId = await openForwardTunnel(port, channelId, options.echoPort);
    const sequences = fc.sample(generatedFrames, {numRuns: options.generatedFrames * 2, seed: options.seed});
    for (let start = 0; start < sequences.length; start += 10) {
      await Promise.all(
        sequences.slice(start, start + 10).map(async (frames, index) => {
          const websocket = (start + index) % 2 === 0 ? (await openChannel(port)).control : await tunnelWebsocket(port, channelId, tunnelId);
          for (const frame of frames) websocket.write(frame);
          websocket.send({opcode: OPCODES.ping, payload: 'probe'});
          figures.frames += frames.length + 1;
          try {
            figures.close((await websocket.closing(500)).code);
          } catch {
            figures.close(undefined);
          } finally {
            websocket.destroy();
          }
        }),
      );
    }
  } finally {
    control.destroy();
  }
}

async function restBodies(url: string, options: BarrageOptions, figures: BarrageFigures): Promise<void> {
  for (let route = 0; route < ROUTE_COUNT; route += 1) {
    for (const request of fc.sample(requestsFor(route), {numRuns: options.restRunsPerRoute, seed: options.seed + route})) {
      if (endsChannel(request, options.spareChannel)) continue;
      const {status, problem} = await send(url, request).catch((error: Error) => ({status: 0, problem: `${request.method} ${request.path}: ${error.message}`}));
      figures.status(status);
      if (problem !== undefined) figures.problems.push(problem);
    }
  }
}

async function slowLoris(port: number, options: BarrageOptions, figures: BarrageFigures): Promise<void> {
  const cuts = Array.from({length: options.slowLoris}, () =>
    new Promise<string>((resolve) => {
      const socket = connect({port, host: '127.0.0.1'});
      let text = '';
      socket.on('error', () => {});
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 50);
      socket.once('connect', () => socket.write('GET /version HTTP/1.1\r\nHost: x\r\n'));
      socket.once('close', () => {
        clearInterval(timer);
        resolve(text.slice(0, text.indexOf('\r\n')));
      });
    }),
  );
  for (const statusLine of await Promise.all(cuts)) {
    figures.status(Number(statusLine.split(' ')[1] ?? 0));
    figures.expect('slow-loris', statusLine, 'HTTP/1.1 408 Request Timeout');
  }
}

export async function runBarrage(server: {port: number; url: string}, options: BarrageOptions, figures = new BarrageFigures()): Promise<BarrageFigures> {
  await Promise.all([slowLoris(server.port, options, figures), rawRequests(server.port, figures)]);
  await frameAttacks(server.port, options, figures);
  await earlyFrames(server.port, options, figures);
  await randomFrames(server.port, options, figures);
  await restBodies(server.url, options, figures);
  return figures;
}
