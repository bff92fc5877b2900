/**
 * The console's commands: one function per action, shared by the TUI and the scripted mode
 * (`netunnel-tui --no-tui`). Each takes typed values, checks them (InvalidInputError), does
 * the work and resolves with what it did, or throws: ServerRefusedError carries the server's
 * message verbatim, ServerUnreachableError says why the server could not be reached,
 * UnsupportedByServerError says that a 1.0.12-like server cannot do it. No command prints,
 * prompts or touches a screen. The commands that change a server's peers, static tunnels, proxy
 * and state are in configuration-commands.ts, those on connections in connection-commands.ts,
 * those on the saved servers in saved-server-commands.ts.
 */
import {ServerRefusedError} from '../client/client-errors.js';
import type {ClientTunnel} from '../client/client-tunnel.js';
import type {SubscriptionState} from '../client/event-subscription.js';
import type {Subscription} from '../client/management-api.js';
import type {ChannelDetails, ChannelInfo, ServerInfo, TunnelInfo} from '../protocol/management.js';
import type {ServerEvent} from '../protocol/server-events.js';
import type {HttpProxyInfo, PeerInfo, StaticTunnelInfo} from '../protocol/server-objects.js';
import type {SocketAddress} from '../protocol/socket-address.js';
import {InvalidInputError, NotFoundError, UnsupportedByServerError} from './errors.js';
import type {ServerHandle} from './server-handle.js';
import {requireIpv4, requirePort} from './validate.js';

// ---------------------------------------------------------------- reading

export interface ServerStatus {
  url: string;
  /** `GET /version`. */
  version: string;
  /** Time of that request, in ms. */
  roundTripMs: number;
  /** null: no management API (a 1.0.12 server, or ours with --no-extensions). */
  info: ServerInfo | null;
}

export async function getStatus(server: ServerHandle): Promise<ServerStatus> {
  const started = performance.now();
  const version = await server.api.server.version();
  const roundTripMs = performance.now() - started;
  return {url: server.target.url, version, roundTripMs, info: await server.serverInfo()};
}

/** Our server's info; UnsupportedByServerError on a server without the management API. */
export async function requireManagement(server: ServerHandle, what: string): Promise<ServerInfo> {
  const info = await server.serverInfo();
  if (info === null) throw new UnsupportedByServerError(`${server.target.url} cannot ${what}: it has no management API (a NETunnel 1.0.12 server, or netunnel-server --no-extensions)`);
  return info;
}

export async function listChannels(server: ServerHandle): Promise<ChannelInfo[]> {
  await requireManagement(server, 'list channels');
  return server.api.channels.list();
}

export async function getChannel(server: ServerHandle, channelId: number): Promise<ChannelDetails> {
  await requireManagement(server, 'show channels');
  return server.api.channels.get(requireId('channel', channelId));
}

export async function listTunnels(server: ServerHandle): Promise<TunnelInfo[]> {
  await requireManagement(server, 'list tunnels');
  return server.api.tunnels.list();
}

export function listPeers(server: ServerHandle): Promise<PeerInfo[]> {
  return server.api.peers.list();
}

/** A peer by id, or by name (a name that is all digits is taken as an id only if no peer has that name). */
export async function findPeer(server: ServerHandle, peer: number | string): Promise<PeerInfo> {
  const peers = await server.api.peers.list();
  const found =
    typeof peer === 'number'
      ? peers.find((candidate) => candidate.id === peer)
      : (peers.find((candidate) => candidate.name === peer) ??
        (/^[0-9]+$/.test(peer) ? peers.find((candidate) => candidate.id === Number(peer)) : undefined));
  if (!found) throw new NotFoundError(`No peer ${typeof peer === 'number' ? `with id ${peer}` : `called "${peer}"`} on ${server.target.url}`);
  return found;
}

export function listStaticTunnels(server: ServerHandle, peerId: number): Promise<StaticTunnelInfo[]> {
  return server.api.staticTunnels.list(requireId('peer', peerId));
}

export function getProxy(server: ServerHandle): Promise<HttpProxyInfo> {
  return server.api.proxy.get();
}

// ---------------------------------------------------------------- the console's own tunnels

export interface OpenedTunnel {
  /** The console's channel on that server. */
  channelId: number;
  tunnelId: number;
  direction: 'forward' | 'reverse';
  /** Where to connect to use the tunnel (here for forward, on the server for reverse). */
  entrance: SocketAddress;
  exit: SocketAddress;
  /** The live tunnel (its counters, its `closed` promise). */
  tunnel: ClientTunnel;
}

export interface ForwardTunnelInput {
  /** Where the server connects, for each connection (default 127.0.0.1). */
  exitAddress?: string;
  exitPort: number;
  /** Where the console listens (default 127.0.0.1, a free port). */
  localAddress?: string;
  localPort?: number | null;
}

export interface ReverseTunnelInput {
  /** Where the server listens (default 127.0.0.1, a free port). */
  entranceAddress?: string;
  entrancePort?: number | null;
  /** Where the console connects, for each connection (default 127.0.0.1). */
  exitAddress?: string;
  exitPort: number;
}

function opened(channelId: number, tunnel: ClientTunnel): OpenedTunnel {
  return {channelId, tunnelId: tunnel.id, direction: tunnel.direction, entrance: tunnel.entrance, exit: tunnel.exit, tunnel};
}

/** A forward tunnel: the console listens, the server connects to the exit. */
export async function openForwardTunnel(server: ServerHandle, input: ForwardTunnelInput): Promise<OpenedTunnel> {
  const exitAddress = requireIpv4('exit address', input.exitAddress ?? '127.0.0.1');
  const exitPort = requirePort('exit port', input.exitPort);
  const localAddress = requireIpv4('local address', input.localAddress ?? '127.0.0.1');
  const localPort = input.localPort === undefined || input.localPort === null ? null : requirePort('local port', input.localPort, {allowZero: true});
  const client = await server.ownClient();
  const tunnel = await client.openTunnelToServer({exitAddress, exitPort, localAddress, localPort: localPort === 0 ? null : localPort});
  server.trackOwnTunnel(tunnel);
  return opened(client.channelId, tunnel);
}

/** A reverse tunnel: the server listens, the console connects to the exit. */
export async function openReverseTunnel(server: ServerHandle, input: ReverseTunnelInput): Promise<OpenedTunnel> {
  const entranceAddress = requireIpv4('entrance address', input.entranceAddress ?? '127.0.0.1');
  const entrancePort =
    input.entrancePort === undefined || input.entrancePort === null ? null : requirePort('entrance port', input.entrancePort, {allowZero: true});
  const exitAddress = requireIpv4('exit address', input.exitAddress ?? '127.0.0.1');
  const exitPort = requirePort('exit port', input.exitPort);
  if ((entrancePort === null || entrancePort === 0) && (await server.serverInfo()) === null) {
    // 1.0.12 does not say which port it chose: the console could not show where to connect.
    throw new InvalidInputError('entrance port', 'entrance port is required: this server does not tell which port it would choose');
  }
  const client = await server.ownClient();
  const tunnel = await client.openTunnelToClient({exitAddress, exitPort, entranceAddress, entrancePort: entrancePort === 0 ? null : entrancePort});
  server.trackOwnTunnel(tunnel);
  return opened(client.channelId, tunnel);
}

export interface CloseTunnelInput {
  channelId: number;
  tunnelId: number;
  /** Cut open connections instead of letting them finish (default true: a console's tear-down is immediate). */
  force?: boolean;
}

/**
 * Tears a tunnel down: one of the console's own (stopped here and on the server), or any
 * other client's (the server stops its half and tells that client, the 1.0.12 way).
 */
export async function closeTunnel(server: ServerHandle, input: CloseTunnelInput): Promise<{own: boolean}> {
  const channelId = requireId('channel', input.channelId);
  const tunnelId = requireId('tunnel', input.tunnelId);
  const force = input.force ?? true;
  const own = server.ownChannelId === channelId && server.ownTunnels.some((tunnel) => tunnel.id === tunnelId);
  if (own) {
    const client = await server.ownClient();
    await client.closeTunnel(tunnelId, {force});
  } else {
    await closeAnyTunnel(server, channelId, tunnelId, force);
  }
  server.changed();
  return {own};
}

/** Disconnects a client: its channel ends, its tunnels stop, its entrance ports close. */
export async function disconnectChannel(server: ServerHandle, channelId: number): Promise<void> {
  await requireManagement(server, 'disconnect channels');
  await server.api.channels.disconnect(requireId('channel', channelId));
  server.changed();
}

// ---------------------------------------------------------------- events

/**
 * Follows a server's `/events` (ours only): a snapshot first (again after each reconnection),
 * then every change. Refuses at once, with UnsupportedByServerError, on a server without it.
 */
export async function watchEvents(
  server: ServerHandle,
  onEvent: (event: ServerEvent) => void,
  onState?: (state: SubscriptionState, detail?: string) => void,
): Promise<Subscription> {
  await requireManagement(server, 'stream events');
  return server.api.events.subscribe(onEvent, onState);
}

// ----------------------------------------------------------------

/** Ours tells the owning client too; a 1.0.12 server (404) only has the DELETE route. */
async function closeAnyTunnel(server: ServerHandle, channelId: number, tunnelId: number, force: boolean): Promise<void> {
  try {
    await server.api.tunnels.close(channelId, tunnelId, {force});
  } catch (error) {
    if (!(error instanceof ServerRefusedError && error.status === 404)) throw error;
    await server.api.tunnels.delete(channelId, tunnelId, {force});
  }
}

export function requireId(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidInputError(what, `${what} id must be a positive integer`);
  return value;
}
