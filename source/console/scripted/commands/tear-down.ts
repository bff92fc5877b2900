/** Scripted `close` and `disconnect`: tearing down another client's tunnel or channel. */
import * as commands from '../../commands.js';
import {booleanOption} from '../args.js';
import {printChange, type ScriptedCommand} from '../context.js';
import {withOneServer} from '../server-selection.js';
import {id} from '../values.js';

export const TEAR_DOWN_COMMANDS: ScriptedCommand[] = [
  {
    name: 'close',
    args: 'CHANNEL TUNNEL',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: "Tears a tunnel down on the server",
    details:
      "Tears down tunnel TUNNEL of channel CHANNEL: the server stops its half and tells the client that opened it, which stops its own (on a 1.0.12 server, only the server's half stops: it has no way to tell the client). Open connections are cut unless --graceful.",
    options: [{name: 'graceful', type: 'boolean', help: 'Let open connections finish'}],
    run: (context) => {
      const channelId = id(context, 'CHANNEL', context.args[0]!);
      const tunnelId = id(context, 'TUNNEL', context.args[1]!);
      const force = !booleanOption(context.values, 'graceful');
      return withOneServer(context, async (handle) => {
        await commands.closeTunnel(handle, {channelId, tunnelId, force});
        return printChange(context, `Closed tunnel ${tunnelId} of channel ${channelId}`, {server_url: handle.target.url, channel_id: channelId, tunnel_id: tunnelId, force});
      });
    },
  },
  {
    name: 'disconnect',
    args: 'CHANNEL',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: 'Disconnects a client: its tunnels stop (ours only)',
    details: 'Closes channel CHANNEL on the server: every tunnel of that client stops and its entrance ports close.',
    options: [],
    run: (context) => {
      const channelId = id(context, 'CHANNEL', context.args[0]!);
      return withOneServer(context, async (handle) => {
        await commands.disconnectChannel(handle, channelId);
        return printChange(context, `Disconnected channel ${channelId}`, {server_url: handle.target.url, channel_id: channelId});
      });
    },
  },
];
