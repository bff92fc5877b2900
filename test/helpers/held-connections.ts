/**
 * Tunnelled connections a test holds open at both ends: an echoing service at the exit that
 * hands the test each socket it accepted, and a connection to an entrance with both of its
 * sockets (the application's and the exit's), so that a test can see either end close.
 */
import type {Socket} from 'node:net';
import {openSocket} from './tcp.js';
import {readExactly, startScriptedService, within, type ScriptedService} from './streams.js';

/** A service that echoes what it reads, on each connection. */
export function startEchoingService(): Promise<ScriptedService> {
  return startScriptedService(0, (socket) => socket.on('data', (chunk: Buffer) => socket.write(chunk)));
}

export interface HeldConnection {
  /** The application's socket, connected to the entrance. */
  app: Socket;
  /** The service's socket at the exit. */
  exit: Socket;
}

/** Connects to the entrance and waits for the connection to reach the service. */
export async function holdConnection(service: ScriptedService, entrancePort: number): Promise<HeldConnection> {
  const app = await openSocket(entrancePort);
  app.on('error', () => {});
  const exit = await within(service.nextSocket(), 5000, 'the connection to reach the exit');
  return {app, exit};
}

/** Sends bytes through the connection and waits until they came back, whole. */
export async function echo(connection: HeldConnection, payload: Buffer): Promise<Buffer> {
  const answer = readExactly(connection.app, payload.length);
  connection.app.write(payload);
  return within(answer, 5000, `${payload.length} bytes to come back`);
}

/**
 * Resolves once the socket closed, by a FIN or a reset (a connection the server cuts is reset
 * at both ends); fails after `ms` naming `what`.
 */
export async function closed(socket: Socket, ms: number, what: string): Promise<void> {
  if (socket.closed) return;
  await within(new Promise((resolve) => socket.once('close', resolve)), ms, what);
}
