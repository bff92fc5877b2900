/**
 * The exit half of the engine micro-bench, in its own process: a websocket server whose
 * websockets go to an ExitPoint, and the ExitPoint's targets (echo, greet, sink) in-process.
 * argv[2]: the target, `echo` | `greet` | `sink` (greet writes one byte on connect; sink
 * answers one byte after the 8-byte count it was given, as in target-child.ts).
 */
import {createServer, type Server, type Socket} from 'node:net';
import {once} from 'node:events';
import {WebSocketServer} from 'ws';
import {serveChild} from './ipc.js';
import {sourceModule} from './source-root.js';

const {ExitPoint} = (await import(sourceModule('engine/exit.js'))) as typeof import('../../source/engine/exit.js');

async function listen(server: Server): Promise<number> {
  server.listen({host: '127.0.0.1', port: 0, backlog: 2048});
  await once(server, 'listening');
  return (server.address() as {port: number}).port;
}

const sockets = new Set<Socket>();
const track = (socket: Socket) => {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
};

const targets: Record<string, Server> = {
  echo: createServer({noDelay: true}, (socket) => {
    track(socket);
    socket.pipe(socket);
  }),
  greet: createServer({noDelay: true}, (socket) => {
    track(socket);
    socket.end('g');
    socket.resume();
  }),
  sink: createServer({noDelay: true}, (socket) => {
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
  }),
};

const target = targets[process.argv[2] ?? 'echo']!;
let wss: WebSocketServer | undefined;

serveChild(
  async () => {
    const targetPort = await listen(target);
    wss = new WebSocketServer({host: '127.0.0.1', port: 0, perMessageDeflate: false});
    await once(wss, 'listening');
    // An exit that does not know the extension ignores the options argument.
    const exit = new ExitPoint({address: '127.0.0.1', port: targetPort}, {streams: true});
    wss.on('connection', (websocket) => exit.accept(websocket));
    return {websockets: (wss.address() as {port: number}).port};
  },
  async () => {
    for (const socket of sockets) socket.destroy();
    for (const client of wss?.clients ?? []) client.terminate();
    wss?.close();
    target.close();
  },
);
