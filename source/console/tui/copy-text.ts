/**
 * What `y` copies from the selected row: a tunnel's entrance (or, for an exit on port 22, the
 * ssh command that goes through it), a connection's source, a channel's remote address, a
 * peer's URL or a static tunnel's local address, an event's line. The entrance's wildcard
 * address (0.0.0.0, ::) is not where to connect: a reverse tunnel's entrance is on the server,
 * reached at the server's host; a forward tunnel's on its client, at 127.0.0.1 there.
 */
import {formatEndpoint, formatTime} from '../format.js';
import type {SocketAddress} from '../../protocol/socket-address.js';
import type {ServerView, TunnelRow} from '../store.js';
import type {PaneRow} from './pane-rows.js';

export type CopyText = {text: string} | {missing: string};

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return '127.0.0.1';
  }
}

/** Where to connect to a tunnel's entrance. */
export function entranceToDial(view: ServerView, tunnel: TunnelRow): SocketAddress | null {
  if (!tunnel.entrance) return null;
  if (!WILDCARDS.has(tunnel.entrance.address)) return tunnel.entrance;
  return {address: tunnel.direction === 'reverse' ? hostOf(view.url) : '127.0.0.1', port: tunnel.entrance.port};
}

function tunnelCopy(view: ServerView, tunnel: TunnelRow): CopyText {
  const entrance = entranceToDial(view, tunnel);
  if (!entrance) return {missing: `Tunnel ${tunnel.key} did not say where its entrance is`};
  if (tunnel.exit?.port === 22) return {text: `ssh -p ${entrance.port} ${entrance.address}`};
  return {text: formatEndpoint(entrance)};
}

export function copyTextOf(view: ServerView, selected: PaneRow | undefined): CopyText {
  if (!selected) return {missing: 'Nothing is selected'};
  switch (selected.pane) {
    case 'tunnels':
      return tunnelCopy(view, selected.row);
    case 'connections':
      return selected.row.source ? {text: formatEndpoint(selected.row.source)} : {missing: `Connection ${selected.row.id} has no known source`};
    case 'channels':
      return selected.row.remote_address ? {text: selected.row.remote_address} : {missing: `Channel ${selected.row.id} has no known address`};
    case 'peers': {
      const row = selected.row;
      if (row.kind === 'peer') return {text: row.peer.target_netunnel_url};
      // A static tunnel listens on the server.
      const address = WILDCARDS.has(row.tunnel.tunnel_local_address) ? hostOf(view.url) : row.tunnel.tunnel_local_address;
      return {text: formatEndpoint({address, port: row.tunnel.tunnel_local_port})};
    }
    case 'events':
      return {text: `${formatTime(selected.row.at)} ${selected.row.type} ${selected.row.text}`};
  }
}
