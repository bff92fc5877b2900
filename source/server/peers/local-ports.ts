/**
 * Where static tunnels listen on this server: the first free port of a range (1.0.12's
 * `[20000, 21000)`), found by trying to listen on it.
 */
import {createServer} from 'node:net';
import {ServerError} from '../server-errors.js';

export interface PortRange {
  /** First port (included). */
  min: number;
  /** Last port (excluded). */
  max: number;
}

/** 1.0.12's MIN_STATIC_TUNNEL_LOCAL_PORT and MAX_STATIC_TUNNEL_LOCAL_PORT. */
export const DEFAULT_STATIC_TUNNEL_PORTS: PortRange = {min: 20000, max: 21000};

/** The first port of the range that is not `taken` and can be listened on at `host`. */
export async function firstFreePort(host: string, range: PortRange, taken: ReadonlySet<number>): Promise<number> {
  for (let port = range.min; port < range.max; port += 1) {
    if (!taken.has(port) && (await canListen(host, port))) return port;
  }
  throw new ServerError('NETUNNEL_ERR_NO_FREE_PORT', `Failed to find an available port between ${range.min} and ${range.max}`);
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({host, port, exclusive: true}, () => server.close(() => resolve(true)));
  });
}
