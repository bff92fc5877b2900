/** Moving and checking large amounts of bytes through real sockets, for the tunnel tests. */
import {createHash} from 'node:crypto';
import {createServer, type Server, type Socket} from 'node:net';
import {once} from 'node:events';

/** Resolves with exactly `size` bytes read from the socket (rejects if it closes first). */
export function readExactly(socket: Socket, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= size) {
        cleanup();
        const all = Buffer.concat(chunks);
        if (all.length > size) socket.unshift(all.subarray(size));
        resolve(all.subarray(0, size));
      }
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`socket closed after ${got} of ${size} bytes`));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    if (size === 0) onData(Buffer.alloc(0));
  });
}

/** Writes all of `payload`, honouring the socket's backpressure; `written()` tells how far it got. */
export function writeWithBackpressure(socket: Socket, payload: Buffer, chunkSize = 64 * 1024): {written(): number; done: Promise<void>} {
  let written = 0;
  const done = (async () => {
    while (written < payload.length) {
      const chunk = payload.subarray(written, written + chunkSize);
      written += chunk.length;
      if (!socket.write(chunk)) await once(socket, 'drain');
    }
  })();
  return {written: () => written, done};
}

/** SHA-256 and length of everything a socket delivers until `size` bytes came. */
export function digestOf(socket: Socket, size: number): Promise<{length: number; sha256: string}> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let length = 0;
    const onData = (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
      if (length >= size) {
        socket.off('close', onClose);
        socket.off('data', onData);
        resolve({length, sha256: hash.digest('hex')});
      }
    };
    const onClose = () => reject(new Error(`socket closed after ${length} of ${size} bytes`));
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Waits until a counter stops moving: polled every 20 ms, settled once unchanged for `quietMs`.
 * Used where a process stops moving bytes (backpressure) and no event says so.
 */
export async function settledValue(read: () => number, quietMs = 250, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = read();
    if (now !== value) {
      value = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return value;
    }
    if (Date.now() > deadline) throw new Error(`the value kept changing for ${timeoutMs} ms (last ${value})`);
  }
}

export interface ScriptedService {
  port: number;
  server: Server;
  /** Resolves with each accepted socket, in order. */
  nextSocket(): Promise<Socket>;
  close(): Promise<void>;
}

/** A TCP service on 127.0.0.1 (a given port, or a free one) that hands its sockets to the test. */
export async function startScriptedService(port = 0, onSocket?: (socket: Socket) => void): Promise<ScriptedService> {
  const sockets: Socket[] = [];
  const queue: Socket[] = [];
  const waiting: Array<(socket: Socket) => void> = [];
  const server = createServer({noDelay: true}, (socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onSocket?.(socket);
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else queue.push(socket);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    server,
    nextSocket: () => {
      const socket = queue.shift();
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Rejects with a clear message when `promise` takes longer than `ms` (instead of a silent hang). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
