/** Scripted `static add|rm`: a peer's static tunnels. */
import * as commands from '../../commands.js';
import * as configuration from '../../configuration-commands.js';
import {stringOption} from '../args.js';
import {printChange, type ScriptedCommand} from '../context.js';
import {withOneServer} from '../server-selection.js';
import {address, id, port, quoted} from '../values.js';

export const STATIC_COMMANDS: ScriptedCommand[] = [
  {
    name: 'static add',
    args: 'PEER REMOTE_PORT',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Adds a static tunnel to a peer (the server picks the local port)',
    details:
      'Adds a permanent tunnel from the server (it listens on --local-address and a port of its choice, 20000 and up) to REMOTE_PORT on --remote-address as peer PEER reaches it. The server keeps it connected.',
    options: [
      {name: 'remote-address', type: 'string', value: 'IP', help: 'What the peer connects to (default 127.0.0.1)'},
      {name: 'local-address', type: 'string', value: 'IP', help: 'Where the server listens (default 127.0.0.1)'},
    ],
    run: (context) => {
      const remotePort = port(context, 'REMOTE_PORT', context.args[1]!);
      const remoteAddress = address(context, 'remote-address', '127.0.0.1');
      const localAddress = stringOption(context.values, 'local-address') === undefined ? undefined : address(context, 'local-address', '');
      return withOneServer(context, async (handle) => {
        const peer = await commands.findPeer(handle, context.args[0]!);
        const created = await configuration.addStaticTunnel(handle, peer.id, {remotePort, remoteAddress, ...(localAddress === undefined ? {} : {localAddress})});
        const local = `${created.tunnel_local_address}:${created.tunnel_local_port}`;
        const remote = `${created.tunnel_remote_address}:${created.tunnel_remote_port}`;
        return printChange(context, `Added static tunnel ${created.id} to peer ${quoted(peer.name)}: ${local} -> ${remote}`, {
          server_url: handle.target.url,
          peer_id: peer.id,
          ...created,
        });
      });
    },
  },
  {
    name: 'static rm',
    args: 'PEER ID',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Removes a static tunnel of a peer',
    details: 'Removes static tunnel ID of peer PEER (its name, or its id).',
    options: [],
    run: (context) => {
      const staticId = id(context, 'ID', context.args[1]!);
      return withOneServer(context, async (handle) => {
        const peer = await commands.findPeer(handle, context.args[0]!);
        await configuration.removeStaticTunnel(handle, peer.id, staticId);
        return printChange(context, `Removed static tunnel ${staticId} of peer ${quoted(peer.name)}`, {server_url: handle.target.url, peer_id: peer.id, id: staticId});
      });
    },
  },
];
