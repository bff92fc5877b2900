/** Scripted `peer add|rename|rm`. */
import * as commands from '../../commands.js';
import * as configuration from '../../configuration-commands.js';
import {printChange, type ScriptedCommand} from '../context.js';
import {withOneServer} from '../server-selection.js';
import {jsonObject, name, quoted, url} from '../values.js';

export const PEER_COMMANDS: ScriptedCommand[] = [
  {
    name: 'peer add',
    args: 'NAME URL',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Registers a peer (the server checks that it can reach it)',
    details: "Registers the NETunnel server at URL as a peer called NAME. The server first checks that it can reach it (a channel and GET /version, with the peer's auth data).",
    options: [{name: 'peer-auth-data', type: 'string', value: 'JSON', help: "What the server's auth plugin needs to reach the peer (default {})"}],
    run: (context) => {
      const peerName = name(context, 'NAME', context.args[0]!);
      const peerUrl = url(context, 'URL', context.args[1]!);
      const authData = jsonObject(context, 'peer-auth-data');
      return withOneServer(context, async (handle) => {
        const peer = await configuration.addPeer(handle, {name: peerName, url: peerUrl, ...(authData === undefined ? {} : {authData})});
        return printChange(context, `Added peer ${peer.id} ${quoted(peer.name)} (${peer.target_netunnel_url})`, {server_url: handle.target.url, ...peer});
      });
    },
  },
  {
    name: 'peer rename',
    args: 'PEER NEW_NAME',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Renames a peer (by name or id)',
    details: 'Gives peer PEER (its name, or its id) the name NEW_NAME.',
    options: [],
    run: (context) => {
      const newName = name(context, 'NEW_NAME', context.args[1]!);
      return withOneServer(context, async (handle) => {
        const peer = await commands.findPeer(handle, context.args[0]!);
        const renamed = await configuration.renamePeer(handle, peer.id, newName);
        return printChange(context, `Renamed peer ${peer.id} ${quoted(peer.name)} to ${quoted(renamed.name)}`, {server_url: handle.target.url, ...renamed});
      });
    },
  },
  {
    name: 'peer rm',
    args: 'PEER',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: 'Removes a peer and stops its static tunnels',
    details: 'Removes peer PEER (its name, or its id); its static tunnels stop.',
    options: [],
    run: (context) =>
      withOneServer(context, async (handle) => {
        const peer = await commands.findPeer(handle, context.args[0]!);
        await configuration.removePeer(handle, peer.id);
        return printChange(context, `Removed peer ${peer.id} ${quoted(peer.name)}`, {server_url: handle.target.url, ...peer});
      }),
  },
];
