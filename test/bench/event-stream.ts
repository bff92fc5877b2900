/**
 * The `/events` stream under connection churn: a load generator opens and closes connections
 * through a tunnel at a steady rate (each one: connect, 1 byte echoed, end, closed), while a
 * subscriber counts the frames and bytes the stream sends. Coalescing should keep the stream
 * at a few frames a second whatever the rate. Also runnable alone against a running server:
 *
 *   npx tsx test/bench/event-stream.ts SERVER_PORT ENTRANCE_PORT [RATE] [SECONDS]
 */
import {connect} from 'node:net';
import {once} from 'node:events';
import {performance} from 'node:perf_hooks';
import WebSocket from 'ws';

export interface EventStreamResult {
  /** Connections completed, and per second over the run. */
  connections: number;
  achievedRate: number;
  failures: number;
  seconds: number;
  frames: number;
  bytes: number;
  /** Frames by type. */
  byType: Record<string, number>;
}

/** Connections under way at most (the rest of a step waits for the next one). */
const MAX_IN_FLIGHT = 200;

async function cycle(port: number): Promise<void> {
  const socket = connect({host: '127.0.0.1', port, noDelay: true});
  socket.on('error', () => {});
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  socket.write(Buffer.from([0x2a]));
  await once(socket, 'data');
  socket.end();
  await closed;
}

/**
 * `rate` connections a second for `seconds`, started in steps of 10 ms; counts the stream's
 * frames and bytes from the first connection to the first stats tick after the last one closed.
 */
export async function eventStreamUnderChurn(serverPort: number, entrancePort: number, rate: number, seconds: number): Promise<EventStreamResult> {
  const websocket = new WebSocket(`ws://127.0.0.1:${serverPort}/events`, {perMessageDeflate: false});
  websocket.on('error', () => {});
  await once(websocket, 'open');
  let counting = false;
  let frames = 0;
  let bytes = 0;
  const byType: Record<string, number> = {};
  let onStats: (() => void) | undefined;
  let onSnapshot: () => void = () => {};
  const snapshot = new Promise<void>((resolve) => (onSnapshot = resolve));
  websocket.on('message', (data: Buffer) => {
    onSnapshot();
    if (!counting) return;
    frames += 1;
    bytes += data.length;
    const {type} = JSON.parse(data.toString('utf8')) as {type: string};
    byType[type] = (byType[type] ?? 0) + 1;
    if (type === 'stats') onStats?.();
  });
  // The snapshot is not counted.
  await snapshot;
  counting = true;
  const started = performance.now();
  const running: Array<Promise<void>> = [];
  let failures = 0;
  let inFlight = 0;
  const total = Math.round(rate * seconds);
  const perStep = rate / 100;
  for (let step = 0, launched = 0; launched < total; step += 1) {
    const due = Math.min(total, Math.round((step + 1) * perStep));
    // A tunnel slower than the rate gets fewer new connections, not an ever longer queue.
    for (; launched < due && inFlight < MAX_IN_FLIGHT; launched += 1) {
      inFlight += 1;
      running.push(
        cycle(entrancePort)
          .catch(() => void (failures += 1))
          .finally(() => (inFlight -= 1)),
      );
    }
    const wait = started + (step + 1) * 10 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(running);
  const loadSeconds = (performance.now() - started) / 1000;
  // The last connections are reported at the next tick.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3000);
    onStats = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const elapsed = (performance.now() - started) / 1000;
  websocket.close();
  return {connections: total - failures, achievedRate: (total - failures) / loadSeconds, failures, seconds: elapsed, frames, bytes, byType};
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [serverPort, entrancePort, rate = '1000', seconds = '5'] = process.argv.slice(2);
  if (serverPort === undefined || entrancePort === undefined) throw new Error('usage: event-stream.ts SERVER_PORT ENTRANCE_PORT [RATE] [SECONDS]');
  const result = await eventStreamUnderChurn(Number(serverPort), Number(entrancePort), Number(rate), Number(seconds));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
