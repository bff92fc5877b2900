/**
 * The console's commands on what a server keeps in its configuration: peers, static tunnels,
 * the global HTTP proxy, and the factory reset. Shared by the TUI and the scripted mode like
 * those of commands.ts (which reads these); each checks its input (InvalidInputError) before
 * it calls the server, and announces the change on the handle.
 */
import type {CreateStaticTunnelInput, HttpProxyInfo, PeerInfo, SetHttpProxyInput, StaticTunnelInfo, UpdatePeerInput} from '../protocol/server-objects.js';
import {requireId} from './commands.js';
import {InvalidInputError} from './errors.js';
import type {ServerHandle} from './server-handle.js';
import {requireIpv4, requireJsonObject, requireName, requirePort, requireUrl} from './validate.js';

// ---------------------------------------------------------------- peers and static tunnels

export interface PeerInput {
  name: string;
  url: string;
  /** What the server's auth plugin needs to reach the peer (default `{}`); an object or its JSON text. */
  authData?: Record<string, unknown> | string;
}

function authDataOf(value: Record<string, unknown> | string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : requireJsonObject('auth data', value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidInputError('auth data', 'auth data must be a JSON object');
  return value;
}

/** Registers a peer (the server checks that it can reach it first). */
export async function addPeer(server: ServerHandle, input: PeerInput): Promise<PeerInfo> {
  const name = requireName('name', input.name);
  const targetNetunnelUrl = requireUrl('url', input.url);
  const authData = authDataOf(input.authData);
  const peer = await server.api.peers.add({name, target_netunnel_url: targetNetunnelUrl, ...(authData === undefined ? {} : {auth_data: authData})});
  server.changed();
  return peer;
}

export async function renamePeer(server: ServerHandle, peerId: number, name: string): Promise<PeerInfo> {
  const peer = await server.api.peers.update(requireId('peer', peerId), {name: requireName('name', name)});
  server.changed();
  return peer;
}

/** Changes how a peer is reached (its static tunnels then reconnect). */
export async function editPeer(server: ServerHandle, peerId: number, input: Partial<PeerInput>): Promise<PeerInfo> {
  const changes: UpdatePeerInput = {};
  if (input.name !== undefined) changes.name = requireName('name', input.name);
  if (input.url !== undefined) changes.target_netunnel_url = requireUrl('url', input.url);
  const authData = authDataOf(input.authData);
  if (authData !== undefined) changes.auth_data = authData;
  const peer = await server.api.peers.update(requireId('peer', peerId), changes);
  server.changed();
  return peer;
}

/** Removes a peer and stops its static tunnels. */
export async function removePeer(server: ServerHandle, peerId: number): Promise<void> {
  await server.api.peers.remove(requireId('peer', peerId));
  server.changed();
}

export interface StaticTunnelInput {
  /** The exit, as the peer reaches it. */
  remotePort: number;
  remoteAddress?: string;
  /** Where the server listens (the port is the server's choice). */
  localAddress?: string;
}

export async function addStaticTunnel(server: ServerHandle, peerId: number, input: StaticTunnelInput): Promise<StaticTunnelInfo> {
  const remotePort = requirePort('remote port', input.remotePort);
  const options: CreateStaticTunnelInput = {tunnel_remote_port: remotePort};
  if (input.remoteAddress !== undefined && input.remoteAddress.trim() !== '') options.tunnel_remote_address = requireIpv4('remote address', input.remoteAddress);
  if (input.localAddress !== undefined && input.localAddress.trim() !== '') options.tunnel_local_address = requireIpv4('local address', input.localAddress);
  const created = await server.api.staticTunnels.add(requireId('peer', peerId), options);
  server.changed();
  return created;
}

export async function removeStaticTunnel(server: ServerHandle, peerId: number, staticTunnelId: number): Promise<void> {
  await server.api.staticTunnels.remove(requireId('peer', peerId), requireId('static tunnel', staticTunnelId));
  server.changed();
}

// ---------------------------------------------------------------- the server's configuration

export interface ProxyInput {
  url: string;
  /** With password, or neither. */
  username?: string;
  password?: string;
  /** Fetched through the proxy first (default: the server's `http_proxy_test_url`). */
  testUrl?: string;
  /** False: set it without checking (default true). */
  check?: boolean;
}

/** Sets the server's global HTTP proxy (used toward its peers). */
export async function setProxy(server: ServerHandle, input: ProxyInput): Promise<HttpProxyInfo> {
  const proxyUrl = requireUrl('proxy url', input.url);
  const username = input.username === undefined || input.username === '' ? undefined : input.username;
  const password = input.password === undefined || input.password === '' ? undefined : input.password;
  if ((username === undefined) !== (password === undefined)) throw new InvalidInputError('username', 'username and password go together');
  const options: SetHttpProxyInput = {proxy_url: proxyUrl};
  if (username !== undefined && password !== undefined) Object.assign(options, {username, password});
  if (input.testUrl !== undefined && input.testUrl.trim() !== '') options.test_url = requireUrl('test url', input.testUrl);
  if (input.check !== undefined) options.check_proxy = input.check;
  const answer = await server.api.proxy.set(options);
  server.changed();
  return answer;
}

export async function clearProxy(server: ServerHandle): Promise<HttpProxyInfo> {
  const answer = await server.api.proxy.clear();
  server.changed();
  return answer;
}

/** Erases the server's peers, static tunnels and proxy; with disconnectClients, every channel too. */
export async function factoryReset(server: ServerHandle, options: {disconnectClients?: boolean} = {}): Promise<void> {
  await server.api.server.factoryReset({disconnect_clients: options.disconnectClients ?? false});
  server.changed();
}

// ---------------------------------------------------------------- the event stream
