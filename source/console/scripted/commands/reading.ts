/** Scripted commands that read servers: status, channels, tunnels, peers, static-tunnels. */
import {EXIT} from '../../../exit-codes.js';
import * as commands from '../../commands.js';
import type {ScriptedCommand} from '../context.js';
import {readAll, withOneServer} from '../server-selection.js';
import * as views from '../views.js';

export const READING_COMMANDS: ScriptedCommand[] = [
  {
    name: 'status',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: 'Version, implementation and round-trip time of each server',
    details: 'Asks each server GET /version (timed) and, on ours, GET /server-info. A 1.0.12 server (or ours with --no-extensions) shows as having no management API.',
    options: [],
    run: (context) =>
      readAll(
        context,
        async (handle) => [await commands.getStatus(handle)],
        (items) => views.statusListing(items),
        views.statusJson,
      ),
  },
  {
    name: 'channels',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: 'The clients connected to each server (ours only)',
    details: 'One row per channel: the client version, its address, whether its control websocket is up, since when, and how many tunnels it has.',
    options: [],
    run: (context) =>
      readAll(context, (handle) => commands.listChannels(handle), views.channelListing, ({url, item}) => ({server_url: url, ...item})),
  },
  {
    name: 'tunnels',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: 'Every tunnel of every channel, with counters (ours only)',
    details: 'One row per tunnel: its channel, direction, entrance and exit, connections (active/total) and bytes each way.',
    options: [],
    run: (context) =>
      readAll(context, (handle) => commands.listTunnels(handle), views.tunnelListing, ({url, item}) => ({server_url: url, ...item})),
  },
  {
    name: 'peers',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: "Each server's peers",
    details: 'One row per peer: id, name, URL, status (ours only) and how many static tunnels it has.',
    options: [],
    run: (context) => readAll(context, (handle) => commands.listPeers(handle), views.peerListing, ({url, item}) => ({server_url: url, ...item})),
  },
  {
    name: 'static-tunnels',
    args: 'PEER',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: 'The static tunnels of a peer (by name or id)',
    details: 'One row per static tunnel: where the server listens, what the peer reaches, status and counters (ours only).',
    options: [],
    run: (context) =>
      withOneServer(context, async (handle) => {
        const peer = await commands.findPeer(handle, context.args[0]!);
        const tunnels = await commands.listStaticTunnels(handle, peer.id);
        if (context.output.json) {
          context.output.document(tunnels.map((tunnel) => ({server_url: handle.target.url, peer_id: peer.id, ...tunnel})));
        } else {
          const {columns, rows} = views.staticTunnelListing(tunnels.map((item) => ({name: handle.target.name, url: handle.target.url, item})));
          context.output.table(columns, rows);
        }
        return EXIT.ok;
      }),
  },
];
