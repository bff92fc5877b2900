/**
 * The target services, in their own process: a sink and an echo on 127.0.0.1, port 0.
 *
 * Sink protocol: the first 8 bytes are a big-endian byte count N; the sink answers one byte
 * (0x6b) once it has received N more bytes. The count is needed because a tunnel (like
 * 1.0.12) does not carry a half-close, so the end of the stream cannot be the signal.
 */
import {createServer, type Server, type Socket} from 'node:net';
import {once} from 'node:events';
import {serveChild} from './ipc.js';

const BACKLOG = 2048;

async function listen(server: Server): Promise<number> {
  server.listen({host: '127.0.0.1', port: 0, backlog: BACKLOG});
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return address.port;
}

const sockets = new Set<Socket>();
function track(socket: Socket): void {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
}

const sink = createServer({noDelay: true}, (socket) => {
  track(socket);
  let header: Buffer | undefined = Buffer.alloc(0);
  let remaining = 0;
  socket.on('data', (chunk: Buffer) => {
    if (header !== undefined) {
      header = Buffer.concat([header, chunk]);
      if (header.length < 8) return;
      remaining = Number(header.readBigUInt64BE(0)) - (header.length - 8);
      header = undefined;
    } else {
      remaining -= chunk.length;
    }
    if (remaining === 0) socket.write(Buffer.from('k'));
  });
  socket.on('end', () => socket.end());
});

const echo = createServer({noDelay: true}, (socket) => {
  track(socket);
  socket.pipe(socket);
});

serveChild(
  async () => ({sink: await listen(sink), echo: await listen(echo)}),
  async () => {
    for (const socket of sockets) socket.destroy();
    sink.close();
    echo.close();
  },
);
