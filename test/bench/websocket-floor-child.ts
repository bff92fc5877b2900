/**
 * The least tunnel over websockets, in two processes (`exit ECHO_PORT SINK_PORT`, `entrance
 * EXIT_PORT`): ws on both ends, connections carried one after the other on pooled websockets,
 * each FIN passed on as a text frame `end` and the other way kept flowing, as the stream
 * extension does, with backpressure both ways and nothing else: no HTTP routes, no ownership
 * checks, no source address, no records, no error handling beyond not crashing. What a websocket tunnel pays at least on
 * this machine, next to the relays' floor of any Node tunnel.
 */
import {connect, createServer, type Socket} from 'node:net';
import {once} from 'node:events';
import WebSocket, {WebSocketServer} from 'ws';
import {tuneHeapForTunnels} from '../../source/cli/heap-tuning.js';
import {serveChild} from './ipc.js';

tuneHeapForTunnels();

const END = Buffer.from('end');
/** The start frame: 'S', the target (0 echo, 1 sink), then the first data. */
const START = 0x53;
const TARGETS = ['echo', 'sink'] as const;
const POOL = 8;
const HIGH_WATER = 1024 * 1024;

/** Pipes `socket` over `websocket` until both ways ended, then hands the websocket to `release`. */
function pipe(socket: Socket, websocket: WebSocket, release: () => void): void {
  let sentEnd = false;
  let receivedEnd = false;
  const finish = () => {
    if (!sentEnd || !receivedEnd) return;
    websocket.off('message', onMessage);
    socket.off('drain', onDrain);
    release();
  };
  const onMessage = (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      if (!socket.write(data)) websocket.pause();
      return;
    }
    receivedEnd = true;
    socket.end();
    finish();
  };
  const onDrain = () => websocket.resume();
  const onSent = () => {
    if (socket.isPaused() && websocket.bufferedAmount < HIGH_WATER / 2) socket.resume();
  };
  websocket.on('message', onMessage);
  socket.on('drain', onDrain);
  socket.on('data', (chunk: Buffer) => {
    websocket.send(chunk, onSent);
    if (websocket.bufferedAmount > HIGH_WATER) socket.pause();
  });
  socket.on('end', () => {
    websocket.send(END, {binary: false});
    sentEnd = true;
    finish();
  });
  socket.on('error', () => websocket.terminate());
}

async function exit(targetPorts: Record<(typeof TARGETS)[number], number>): Promise<Record<string, number>> {
  const server = new WebSocketServer({host: '127.0.0.1', port: 0, perMessageDeflate: false});
  await once(server, 'listening');
  server.on('connection', (websocket) => {
    const awaitStart = () =>
      websocket.once('message', (frame: Buffer) => {
        const socket = connect({host: '127.0.0.1', port: targetPorts[TARGETS[frame[1]!]!], noDelay: true, allowHalfOpen: true});
        if (frame.length > 2) socket.write(frame.subarray(2));
        pipe(socket, websocket, () => {
          websocket.resume();
          awaitStart();
        });
      });
    awaitStart();
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {exit: address.port};
}

async function entrance(exitPort: number): Promise<Record<string, number>> {
  const open = async () => {
    const websocket = new WebSocket(`ws://127.0.0.1:${exitPort}/`, {perMessageDeflate: false});
    await once(websocket, 'open');
    return websocket;
  };
  const idle: WebSocket[] = [];
  for (let index = 0; index < POOL; index += 1) idle.push(await open());
  const ports: Record<string, number> = {};
  for (const [index, name] of TARGETS.entries()) {
    const server = createServer({noDelay: true, allowHalfOpen: true}, (socket) => {
      const carry = (websocket: WebSocket) => {
        const first = socket.read() as Buffer | null;
        const start = Buffer.from([START, index]);
        websocket.send(first ? Buffer.concat([start, first]) : start);
        pipe(socket, websocket, () => {
          websocket.resume();
          idle.push(websocket);
        });
      };
      const ready = idle.pop();
      if (ready) carry(ready);
      else void open().then(carry);
    });
    server.listen({host: '127.0.0.1', port: 0});
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    ports[name] = address.port;
  }
  return ports;
}

const [role, port, sinkPort] = process.argv.slice(2);
serveChild(
  () => (role === 'exit' ? exit({echo: Number(port), sink: Number(sinkPort)}) : entrance(Number(port))),
  async () => {},
);
