/** Real TCP services and clients on 127.0.0.1 for the tests. */
import {createServer, connect, type Server, type Socket} from 'node:net';
import {once} from 'node:events';
import {randomBytes} from 'node:crypto';

export interface TcpService {
  port: number;
  server: Server;
  /** Sockets accepted so far (still open or not). */
  accepted: Socket[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return address.port;
}

function serviceOf(server: Server, port: number, accepted: Socket[]): TcpService {
  return {
    port,
    server,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of accepted) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echoes every byte back; ends its side when the client ends. */
export async function startEchoServer(): Promise<TcpService> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  return serviceOf(server, await listen(server), accepted);
}

/** Answers each connection with `greeting`, then records what it receives. */
export async function startRecordingServer(greeting: Buffer = Buffer.alloc(0)): Promise<TcpService & {received: Buffer[]}> {
  const accepted: Socket[] = [];
  const received: Buffer[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      received.push(Buffer.concat(chunks));
      socket.end();
    });
    if (greeting.length > 0) socket.write(greeting);
  });
  return {...serviceOf(server, await listen(server), accepted), received};
}

/** A port that nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A connected socket. Its errors are the test's to check with a listener of its own: a tunnel
 * stopped at the test's end resets the connections it still carries, which is no failure.
 */
export async function openSocket(port: number, host = '127.0.0.1'): Promise<Socket> {
  const socket = connect({port, host});
  await once(socket, 'connect');
  socket.on('error', () => {});
  return socket;
}

/** Sends `payload`, reads until `expected` bytes came back (or the socket ends), returns them. */
export async function exchange(port: number, payload: Buffer, expected = payload.length): Promise<Buffer> {
  const socket = await openSocket(port);
  const chunks: Buffer[] = [];
  let size = 0;
  const done = new Promise<Buffer>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= expected) {
        socket.end();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
  // Nothing to wait for: end our side, and take whatever comes until the close.
  socket.write(payload);
  if (expected === 0) socket.end();
  const answer = await done;
  socket.destroy();
  return answer;
}

/** Resolves with everything read until the socket closes. */
export async function readUntilClosed(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    socket.on('error', () => {});
  });
  return Buffer.concat(chunks);
}

/** True if a TCP connect to the port is refused. */
export async function isPortClosed(port: number): Promise<boolean> {
  const socket = connect({port, host: '127.0.0.1'});
  try {
    await once(socket, 'connect');
    socket.destroy();
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  }
}

export function randomPayload(size: number): Buffer {
  return randomBytes(size);
}

export interface TcpRelay {
  port: number;
  /** Stops carrying bytes both ways, keeping every connection open (a dead link, no RST). */
  freeze(): void;
  /** Carries bytes again, for held and new connections. */
  thaw(): void;
  close(): Promise<void>;
}

/** A TCP relay to 127.0.0.1:targetPort that can play a link that silently stopped working. */
export async function startRelay(targetPort: number): Promise<TcpRelay> {
  const pairs: Array<{client: Socket; upstream: Socket | undefined}> = [];
  let frozen = false;
  const link = (pair: {client: Socket; upstream: Socket | undefined}) => {
    if (!pair.upstream) {
      pair.upstream = connect({port: targetPort, host: '127.0.0.1'});
      pair.upstream.on('error', () => pair.client.destroy());
      pair.upstream.on('close', () => pair.client.destroy());
      pair.client.on('close', () => pair.upstream?.destroy());
    }
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
    pair.client.resume();
    pair.upstream.resume();
  };
  const server = createServer((client) => {
    client.on('error', () => {});
    const pair = {client, upstream: undefined as Socket | undefined};
    pairs.push(pair);
    if (frozen) client.pause();
    else link(pair);
  });
  const port = await listen(server);
  return {
    port,
    freeze() {
      frozen = true;
      for (const {client, upstream} of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) if (!pair.client.destroyed) link(pair);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const {client, upstream} of pairs) {
          client.destroy();
          upstream?.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
