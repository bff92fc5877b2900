/**
 * The console's commands on connections and drains (ours, the `connections` feature), shared
 * by the TUI and the scripted mode like those of commands.ts: list, show and close one
 * connection, drain a tunnel. A server without them says so (UnsupportedByServerError).
 */
import type {ConnectionFilter} from '../client/management-api.js';
import type {ConnectionInfo, DrainAnswer} from '../protocol/connections.js';
import {requireId, requireManagement} from './commands.js';
import {InvalidInputError, UnsupportedByServerError} from './errors.js';
import type {ServerHandle} from './server-handle.js';

/** Ours with the `connections` feature; says plainly what a 1.0.12 server (or an older one of ours) lacks. */
async function requireConnectionsApi(server: ServerHandle, what: string): Promise<void> {
  const info = await requireManagement(server, what);
  if (!info.features.includes('connections')) {
    throw new UnsupportedByServerError(`${server.target.url} cannot ${what}: it has no connections API (a netunnel-server without the "connections" feature)`);
  }
}

/** The open tunnelled connections, oldest first: every one, a channel's, or one tunnel's. */
export async function listConnections(server: ServerHandle, filter: ConnectionFilter = {}): Promise<ConnectionInfo[]> {
  if (filter.tunnelId !== undefined && filter.channelId === undefined) throw new InvalidInputError('tunnel', 'a tunnel is picked with its channel');
  await requireConnectionsApi(server, 'list connections');
  const query: ConnectionFilter = {};
  if (filter.channelId !== undefined) query.channelId = requireId('channel', filter.channelId);
  if (filter.tunnelId !== undefined) query.tunnelId = requireId('tunnel', filter.tunnelId);
  return server.api.connections.list(query);
}

export async function getConnection(server: ServerHandle, connectionId: number): Promise<ConnectionInfo> {
  await requireConnectionsApi(server, 'show connections');
  return server.api.connections.get(requireId('connection', connectionId));
}

/** Cuts one connection at both ends (the application's and the exit's); resolves once the server let go of it. */
export async function closeConnection(server: ServerHandle, connectionId: number): Promise<void> {
  await requireConnectionsApi(server, 'close connections');
  await server.api.connections.close(requireId('connection', connectionId));
  server.changed();
}

export interface DrainInput {
  channelId: number;
  tunnelId: number;
  /** Cut the connections still open after this long (default: wait for every one). */
  timeoutMs?: number | null;
}

/** Drains a tunnel: it takes no new connection, lets the open ones finish (or cuts them after timeoutMs), then goes. */
export async function drainTunnel(server: ServerHandle, input: DrainInput): Promise<DrainAnswer> {
  const channelId = requireId('channel', input.channelId);
  const tunnelId = requireId('tunnel', input.tunnelId);
  const timeoutMs = input.timeoutMs ?? null;
  if (timeoutMs !== null && (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1)) throw new InvalidInputError('timeout', 'the timeout must be a positive whole number of milliseconds');
  await requireConnectionsApi(server, 'drain tunnels');
  const answer = await server.api.tunnels.drain(channelId, tunnelId, timeoutMs === null ? {} : {timeout_ms: timeoutMs});
  server.changed();
  return answer;
}

