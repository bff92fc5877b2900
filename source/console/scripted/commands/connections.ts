/** Scripted `connections`, `kill-connection` and `drain`: the connections API (ours, `connections`). */
import type {ConnectionFilter} from '../../../client/management-api.js';
import {stringOption} from '../args.js';
import * as connectionCommands from '../../connection-commands.js';
import {formatEndpoint} from '../../format.js';
import {printChange, usage, type CommandContext, type ScriptedCommand} from '../context.js';
import {readAll, withOneServer} from '../server-selection.js';
import {id} from '../values.js';
import * as views from '../views.js';

/** Longest --timeout: the server's (a day). */
const MAX_TIMEOUT_SECONDS = 86_400;

/** --channel C, --tunnel T (with --channel), or --tunnel C/T as the console shows a tunnel. */
function connectionFilter(context: CommandContext): ConnectionFilter {
  const channel = stringOption(context.values, 'channel');
  const tunnel = stringOption(context.values, 'tunnel');
  const pair = tunnel === undefined ? null : /^([0-9]+)\/([0-9]+)$/.exec(tunnel);
  if (pair) {
    if (channel !== undefined) throw usage(context, '--tunnel C/T names its channel already: leave out --channel');
    return {channelId: id(context, '--tunnel channel', pair[1]!), tunnelId: id(context, '--tunnel', pair[2]!)};
  }
  if (tunnel !== undefined && channel === undefined) throw usage(context, '--tunnel needs --channel (or --tunnel CHANNEL/TUNNEL)');
  return {
    ...(channel === undefined ? {} : {channelId: id(context, '--channel', channel)}),
    ...(tunnel === undefined ? {} : {tunnelId: id(context, '--tunnel', tunnel)}),
  };
}

function timeoutMs(context: CommandContext): number | null {
  const text = stringOption(context.values, 'timeout');
  if (text === undefined) return null;
  const seconds = Number(text);
  if (!/^[0-9]+$/.test(text.trim()) || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw usage(context, `--timeout must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`);
  }
  return seconds * 1000;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export const CONNECTION_COMMANDS: ScriptedCommand[] = [
  {
    name: 'connections',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: 'Every open tunnelled connection, where it came from, its bytes (ours only)',
    details:
      'One row per open connection, oldest first: its id, channel and tunnel, the source (the application\'s address at the entrance, when known), when it opened, bytes each way, how long it has been idle and its state (open, or half-closed when one way ended). --channel C lists one channel\'s, --channel C --tunnel T (or --tunnel C/T) one tunnel\'s.',
    options: [
      {name: 'channel', type: 'string', value: 'CHANNEL', help: "Only this channel's connections"},
      {name: 'tunnel', type: 'string', value: 'TUNNEL', help: "Only this tunnel's (with --channel, or as CHANNEL/TUNNEL)"},
    ],
    run: (context) => {
      const filter = connectionFilter(context);
      return readAll(context, (handle) => connectionCommands.listConnections(handle, filter), views.connectionListing, ({url, item}) => ({server_url: url, ...item}));
    },
  },
  {
    name: 'kill-connection',
    args: 'ID',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: 'Closes one connection: both halves are cut (ours only)',
    details:
      'Closes connection ID (its id in `connections`): the server cuts both halves, so that the application at the entrance and the service at the exit both see it end. Prints the connection as it was.',
    options: [],
    run: (context) => {
      const connectionId = id(context, 'ID', context.args[0]!);
      return withOneServer(context, async (handle) => {
        const connection = await connectionCommands.getConnection(handle, connectionId);
        await connectionCommands.closeConnection(handle, connectionId);
        const source = connection.source ? ` from ${formatEndpoint(connection.source)}` : '';
        return printChange(
          context,
          `Closed connection ${connectionId}${source} (tunnel ${connection.tunnel_id} of channel ${connection.channel_id})`,
          {server_url: handle.target.url, ...connection},
        );
      });
    },
  },
  {
    name: 'drain',
    args: 'CHANNEL TUNNEL',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Drains a tunnel: no new connection, the open ones finish, then it goes (ours only)',
    details:
      'Drains tunnel TUNNEL of channel CHANNEL: it takes no new connection from now on (its client is told to stop accepting), lets the open ones run to their end, then goes. With --timeout, the connections still open after that many seconds are cut. Returns at once: the tunnel shows `draining` in `tunnels` (state) until it goes.',
    options: [{name: 'timeout', type: 'string', value: 'SECONDS', help: `Cut what is still open after this long (1 to ${MAX_TIMEOUT_SECONDS})`}],
    run: (context) => {
      const channelId = id(context, 'CHANNEL', context.args[0]!);
      const tunnelId = id(context, 'TUNNEL', context.args[1]!);
      const timeout = timeoutMs(context);
      return withOneServer(context, async (handle) => {
        const answer = await connectionCommands.drainTunnel(handle, {channelId, tunnelId, timeoutMs: timeout});
        const open = answer.connections.active;
        const waits = open === 0 ? 'no connection is open, it goes now' : `it goes once its ${plural(open, 'open connection')} ended`;
        const cut = timeout !== null && open > 0 ? ` (those still open in ${timeout / 1000} s are cut)` : '';
        return printChange(context, `Draining tunnel ${tunnelId} of channel ${channelId}: ${waits}${cut}`, {server_url: handle.target.url, ...answer});
      });
    },
  },
];
