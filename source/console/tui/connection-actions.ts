/**
 * The confirmations of the connections API, each a thin face over one console command (as
 * actions.ts): closing one connection, draining a tunnel.
 */
import {formatBytes, formatEndpoint} from '../format.js';
import * as connectionCommands from '../connection-commands.js';
import type {ServerHandle} from '../server-handle.js';
import type {TunnelRow} from '../store.js';
import type {ConfirmSpec} from './confirm.js';
import type {ConnectionPaneRow} from './pane-rows.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function route(tunnel: TunnelRow | undefined): string {
  return tunnel ? ` (${tunnel.direction === 'forward' ? 'fwd' : 'rev'} ${formatEndpoint(tunnel.entrance)} -> ${formatEndpoint(tunnel.exit)})` : '';
}

export function closeConnectionConfirm(server: ServerHandle, connection: ConnectionPaneRow): ConfirmSpec {
  return {
    title: `Close connection ${connection.id}?`,
    lines: [
      `From ${formatEndpoint(connection.source)} through tunnel ${connection.tunnelKey}${route(connection.tunnel)}`,
      `${formatBytes(connection.sent)} sent, ${formatBytes(connection.received)} received so far.`,
      'The server cuts both halves: the application and the exit both see it end.',
    ],
    async run() {
      await connectionCommands.closeConnection(server, connection.id);
      return {text: `Connection ${connection.id} closed`, tone: 'ok'};
    },
  };
}

export function drainConfirm(server: ServerHandle, tunnel: TunnelRow): ConfirmSpec {
  return {
    title: `Drain tunnel ${tunnel.key}?`,
    lines: [
      `${tunnel.direction} ${formatEndpoint(tunnel.entrance)} -> ${formatEndpoint(tunnel.exit)}, ${plural(tunnel.active, 'connection')} open`,
      'It takes no new connection from now on; the open ones run to their end, then it goes.',
      'd on it afterwards tears it down at once, cutting what is left.',
    ],
    async run() {
      const answer = await connectionCommands.drainTunnel(server, {channelId: tunnel.channelId, tunnelId: tunnel.id});
      const open = answer.connections.active;
      return {text: `Tunnel ${tunnel.key} draining: ${open === 0 ? 'no connection is open, it goes now' : `it goes once its ${plural(open, 'open connection')} ended`}`, tone: 'warn'};
    },
  };
}
