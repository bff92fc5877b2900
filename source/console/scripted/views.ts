/**
 * What each listing shows: the columns and the cells of the tables (and of the plain text),
 * and the stable JSON shapes (documented in README, "Scripted mode").
 */
import type {ServerStatus} from '../commands.js';
import type {ConnectionInfo} from '../../protocol/connections.js';
import {formatAge} from '../age.js';
import type {ChannelInfo, TunnelInfo} from '../../protocol/management.js';
import type {HttpProxyInfo, PeerInfo, StaticTunnelInfo} from '../../protocol/server-objects.js';
import {formatBytes, formatDuration, formatEndpoint, formatTime} from '../format.js';
import type {SavedServer} from '../settings.js';
import type {Column} from './output.js';

/** A row of a listing and the server it came from. */
export interface FromServer<T> {
  /** The server's name (a saved server's, or the URL's host:port). */
  name: string;
  url: string;
  item: T;
}

export interface Listing {
  columns: Column[];
  rows: string[][];
}

const SERVER_COLUMN: Column = {header: 'SERVER'};

/** With more than one server, each row starts with the server's name. */
function listing<T>(items: FromServer<T>[], columns: Column[], cells: (item: T) => string[], withServer: boolean): Listing {
  return {
    columns: withServer ? [SERVER_COLUMN, ...columns] : columns,
    rows: items.map(({name, item}) => (withServer ? [name, ...cells(item)] : cells(item))),
  };
}

const dash = (value: string | null | undefined) => (value === null || value === undefined || value === '' ? '-' : value);

export function statusListing(items: FromServer<ServerStatus>[]): Listing {
  return {
    columns: [{header: 'NAME'}, {header: 'URL'}, {header: 'PROTOCOL'}, {header: 'IMPLEMENTATION'}, {header: 'RTT', align: 'right'}, {header: 'HOSTNAME'}, {header: 'STARTED'}],
    rows: items.map(({name, item: status}) => [
      name,
      status.url,
      status.version.trim(),
      status.info ? `${status.info.implementation} ${status.info.version}` : 'no management API',
      formatDuration(status.roundTripMs),
      dash(status.info?.hostname),
      formatTime(status.info?.started_at),
    ]),
  };
}

export function statusJson(item: FromServer<ServerStatus>) {
  return {
    server_url: item.url,
    name: item.name,
    version: item.item.version.trim(),
    round_trip_ms: Math.round(item.item.roundTripMs * 10) / 10,
    management_api: item.item.info !== null,
    info: item.item.info,
  };
}

export function channelListing(items: FromServer<ChannelInfo>[], withServer: boolean): Listing {
  return listing(
    items,
    [{header: 'ID', align: 'right'}, {header: 'CLIENT'}, {header: 'REMOTE'}, {header: 'CONNECTED'}, {header: 'SINCE'}, {header: 'TUNNELS', align: 'right'}],
    (channel) => [
      String(channel.id),
      channel.client_version + (channel.client_features.length > 0 ? ' (netunnel-ts)' : ''),
      dash(channel.remote_address),
      channel.connected ? 'yes' : 'no',
      formatTime(channel.connected_at ?? channel.created_at),
      String(channel.tunnel_count),
    ],
    withServer,
  );
}

export function tunnelListing(items: FromServer<TunnelInfo>[], withServer: boolean): Listing {
  return listing(
    items,
    [
      {header: 'CHANNEL', align: 'right'},
      {header: 'ID', align: 'right'},
      {header: 'DIRECTION'},
      {header: 'ENTRANCE'},
      {header: 'EXIT'},
      {header: 'ACTIVE', align: 'right'},
      {header: 'TOTAL', align: 'right'},
      {header: 'SENT', align: 'right'},
      {header: 'RECEIVED', align: 'right'},
      {header: 'CREATED'},
    ],
    (tunnel) => [
      String(tunnel.channel_id),
      String(tunnel.id),
      tunnel.direction,
      formatEndpoint(tunnel.entrance),
      formatEndpoint(tunnel.exit),
      String(tunnel.connections.active),
      String(tunnel.connections.total),
      formatBytes(tunnel.bytes.sent),
      formatBytes(tunnel.bytes.received),
      formatTime(tunnel.created_at),
    ],
    withServer,
  );
}

export function peerListing(items: FromServer<PeerInfo>[], withServer: boolean): Listing {
  return listing(
    items,
    [{header: 'ID', align: 'right'}, {header: 'NAME'}, {header: 'URL'}, {header: 'STATUS'}, {header: 'STATIC TUNNELS', align: 'right'}],
    (peer) => [String(peer.id), peer.name, peer.target_netunnel_url, dash(peer.status), String(peer.static_tunnels.length)],
    withServer,
  );
}

const staticEndpoint = (address: string, port: number) => formatEndpoint({address, port});

export function staticTunnelListing(items: FromServer<StaticTunnelInfo>[]): Listing {
  return listing(
    items,
    [
      {header: 'ID', align: 'right'},
      {header: 'LOCAL'},
      {header: 'REMOTE'},
      {header: 'STATUS'},
      {header: 'ACTIVE', align: 'right'},
      {header: 'TOTAL', align: 'right'},
      {header: 'SENT', align: 'right'},
      {header: 'RECEIVED', align: 'right'},
      {header: 'LAST ERROR'},
    ],
    (tunnel) => [
      String(tunnel.id),
      staticEndpoint(tunnel.tunnel_local_address, tunnel.tunnel_local_port),
      staticEndpoint(tunnel.tunnel_remote_address, tunnel.tunnel_remote_port),
      dash(tunnel.status),
      tunnel.connections ? String(tunnel.connections.active) : '-',
      tunnel.connections ? String(tunnel.connections.total) : '-',
      tunnel.bytes ? formatBytes(tunnel.bytes.sent) : '-',
      tunnel.bytes ? formatBytes(tunnel.bytes.received) : '-',
      dash(tunnel.last_error),
    ],
    false,
  );
}

export function savedServerListing(servers: SavedServer[]): Listing {
  return {
    columns: [{header: 'NAME'}, {header: 'URL'}, {header: 'AUTH PLUGIN'}, {header: 'PROXY'}, {header: 'TLS CHECK'}],
    rows: servers.map((server) => [server.name, server.url, dash(server.authPlugin), dash(server.proxy?.url), server.sslValidate === false ? 'no' : 'yes']),
  };
}

/** A saved server as --json shows it (snake_case like the server's objects; the proxy password masked). */
export function savedServerJson(server: SavedServer) {
  return {
    name: server.name,
    url: server.url,
    auth_plugin: server.authPlugin ?? null,
    auth_data: server.authData ?? null,
    proxy: server.proxy
      ? {url: server.proxy.url, username: server.proxy.username ?? null, password: server.proxy.password === undefined ? null : '******'}
      : null,
    ssl_validate: server.sslValidate !== false,
    ca_file: server.caFile ?? null,
    tls_cert: server.tlsCert ?? null,
    tls_key: server.tlsKey ?? null,
  };
}

/** The server's proxy with every key present (`proxy_url: null`: no proxy). */
export function proxyJson(url: string, proxy: HttpProxyInfo) {
  return {server_url: url, proxy_url: proxy.proxy_url ?? null, username: proxy.username ?? null, password: proxy.password ?? null};
}

export function proxyText(proxy: HttpProxyInfo): string {
  if (!proxy.proxy_url) return 'none';
  return proxy.username ? `${proxy.proxy_url} (username ${proxy.username}, password ${proxy.password ?? '******'})` : proxy.proxy_url;
}

// ---------------------------------------------------------------- connections (ours, `connections`)

export function connectionListing(items: FromServer<ConnectionInfo>[], withServer: boolean): Listing {
  return listing(
    items,
    [
      {header: 'ID', align: 'right'},
      {header: 'CHANNEL', align: 'right'},
      {header: 'TUNNEL', align: 'right'},
      {header: 'SOURCE'},
      {header: 'OPENED'},
      {header: 'SENT', align: 'right'},
      {header: 'RECEIVED', align: 'right'},
      {header: 'IDLE', align: 'right'},
      {header: 'STATE'},
    ],
    (connection) => [
      String(connection.id),
      String(connection.channel_id),
      String(connection.tunnel_id),
      connection.source ? formatEndpoint(connection.source) : '-',
      formatTime(connection.opened_at),
      formatBytes(connection.bytes.sent),
      formatBytes(connection.bytes.received),
      formatAge(connection.idle_ms),
      connection.state,
    ],
    withServer,
  );
}
