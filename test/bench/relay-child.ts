/**
 * A plain TCP relay in its own process: one listening port per NAME=PORT argument, each
 * connection piped both ways to 127.0.0.1:PORT, nothing else (no websocket, no HTTP, no
 * marker); a NAME starting with `halfclose-` keeps half-close. Two of them in a row carry bytes through two Node processes as a tunnel does,
 * with none of the tunnel's work: what any Node implementation of a tunnel pays at least.
 */
import {connect, createServer, type Server, type Socket} from 'node:net';
import {once} from 'node:events';
import {tuneHeapForTunnels} from '../../source/cli/heap-tuning.js';
import {LISTEN_BACKLOG} from '../../source/engine/entrance.js';
import {serveChild} from './ipc.js';

// Treated as the netunnel commands are, so that only the work differs.
tuneHeapForTunnels();

const sockets = new Set<Socket>();
function track(socket: Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
}

/**
 * `halfClose`: each direction ends on its own (a FIN read is passed on, the other way keeps
 * flowing), as a tunnel that keeps half-close does; otherwise Node ends both sides of the
 * incoming socket at its first FIN, which is quicker to close and loses what comes after.
 */
function relayTo(port: number, halfClose: boolean): Server {
  return createServer({noDelay: true, allowHalfOpen: halfClose}, (incoming) => {
    const outgoing = connect({host: '127.0.0.1', port, noDelay: true, allowHalfOpen: halfClose});
    track(incoming);
    track(outgoing);
    incoming.pipe(outgoing);
    outgoing.pipe(incoming);
    incoming.on('error', () => outgoing.destroy());
    outgoing.on('error', () => incoming.destroy());
  });
}

const servers: Server[] = [];

serveChild(
  async () => {
    const ports: Record<string, number> = {};
    for (const target of process.argv.slice(2)) {
      const [name, port] = target.split('=');
      const server = relayTo(Number(port), name!.startsWith('halfclose-'));
      servers.push(server);
      server.listen({host: '127.0.0.1', port: 0, backlog: LISTEN_BACKLOG});
      await once(server, 'listening');
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no address');
      ports[name!] = address.port;
    }
    return ports;
  },
  async () => {
    for (const socket of sockets) socket.destroy();
    for (const server of servers) server.close();
  },
);
