/** The load generators: each talks to one TCP port (a tunnel entrance or the service itself). */
import {connect, type Socket} from 'node:net';
import {once} from 'node:events';
import {performance} from 'node:perf_hooks';
import {randomBytes} from 'node:crypto';

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function open(port: number): Promise<Socket> {
  const socket = connect({host: '127.0.0.1', port, noDelay: true});
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      // From here on a reset is the measure's business (a closed or failed connection), not a crash.
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const PUSH_CHUNK = randomBytes(1024 * 1024);

/**
 * One connection pushes `bytes` to the sink and waits for its acknowledgement; resolves with
 * the elapsed milliseconds (connect included).
 */
export async function pushToSink(port: number, bytes: number): Promise<number> {
  const started = performance.now();
  const socket = await open(port);
  try {
    const acknowledged = new Promise<void>((resolve, reject) => {
      socket.once('data', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('the sink connection closed before the acknowledgement')));
    });
    const header = Buffer.alloc(8);
    header.writeBigUInt64BE(BigInt(bytes));
    socket.write(header);
    let sent = 0;
    while (sent < bytes) {
      const size = Math.min(PUSH_CHUNK.length, bytes - sent);
      sent += size;
      if (!socket.write(size === PUSH_CHUNK.length ? PUSH_CHUNK : PUSH_CHUNK.subarray(0, size))) {
        await Promise.race([once(socket, 'drain'), acknowledged]);
      }
    }
    await acknowledged;
    return performance.now() - started;
  } finally {
    socket.destroy();
  }
}

/** `streams` connections push `totalBytes` between them at once; resolves with the wall ms. */
export async function pushParallel(port: number, streams: number, totalBytes: number): Promise<number> {
  const started = performance.now();
  const share = Math.floor(totalBytes / streams);
  await Promise.all(Array.from({length: streams}, (_, index) => pushToSink(port, index === 0 ? totalBytes - share * (streams - 1) : share)));
  return performance.now() - started;
}

export interface CycleTiming {
  /** From connect() to the echoed byte. */
  echoMs: number;
  /** The whole cycle: connect, 1 byte there and back, end, until the socket is closed. */
  cycleMs: number;
}

/** One new connection: connect, send 1 byte, get it back, end, wait until closed. */
export async function connectionCycle(port: number): Promise<CycleTiming> {
  const started = performance.now();
  const socket = connect({host: '127.0.0.1', port, noDelay: true});
  const closed = once(socket, 'close');
  socket.write(Buffer.from([0x2a]));
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  if (chunk.length !== 1 || chunk[0] !== 0x2a) throw new Error(`echo answered ${chunk.toString('hex')}`);
  const echoMs = performance.now() - started;
  socket.end();
  await closed;
  return {echoMs, cycleMs: performance.now() - started};
}

export interface ConcurrentResult {
  connections: number;
  intact: number;
  failures: string[];
  wallMs: number;
}

/**
 * `count` connections at once, each sending its own `size` random bytes to an echo and
 * checking every byte that comes back; the wall time runs until the last check.
 */
export async function concurrentEcho(port: number, count: number, size: number): Promise<ConcurrentResult> {
  const payloads = randomBytes(count * size);
  const failures: string[] = [];
  const sockets: Socket[] = [];
  const started = performance.now();
  const results = await Promise.all(
    Array.from({length: count}, async (_, index) => {
      const payload = payloads.subarray(index * size, (index + 1) * size);
      try {
        const socket = connect({host: '127.0.0.1', port, noDelay: true});
        sockets.push(socket);
        const answer = await new Promise<Buffer>((resolve, reject) => {
          const chunks: Buffer[] = [];
          let received = 0;
          socket.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            received += chunk.length;
            if (received >= size) resolve(Buffer.concat(chunks));
          });
          socket.once('error', reject);
          socket.once('close', () => resolve(Buffer.concat(chunks)));
          socket.write(payload);
        });
        if (!answer.equals(payload)) {
          failures.push(`connection ${index}: ${answer.length} bytes back, content ${answer.length === size ? 'differs' : 'short'}`);
          return false;
        }
        return true;
      } catch (error) {
        failures.push(`connection ${index}: ${(error as Error).message}`);
        return false;
      }
    }),
  );
  const wallMs = performance.now() - started;
  await closeAll(sockets);
  return {connections: count, intact: results.filter(Boolean).length, failures, wallMs};
}

/**
 * Opens `count` connections to an echo, `batch` at a time, each proven alive end to end by a
 * 1-byte echo, and leaves them open and idle.
 */
export async function openIdle(port: number, count: number, batch = 50): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let first = 0; first < count; first += batch) {
    const opened = await Promise.all(
      Array.from({length: Math.min(batch, count - first)}, async () => {
        const socket = await open(port);
        socket.write(Buffer.from([1]));
        await once(socket, 'data');
        return socket;
      }),
    );
    sockets.push(...opened);
  }
  return sockets;
}

export async function closeAll(sockets: Socket[]): Promise<void> {
  await Promise.all(
    sockets.map((socket) => {
      if (socket.destroyed) return undefined;
      const closed = once(socket, 'close').catch(() => undefined);
      socket.end();
      return closed;
    }),
  );
}
