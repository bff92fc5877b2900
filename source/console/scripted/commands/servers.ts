/** Scripted `servers list|add|rm`: the console's saved servers (its settings). */
import {isAbsolute, resolve} from 'node:path';
import {loadClientAuth} from '../../../auth/load-plugin.js';
import {EXIT} from '../../../exit-codes.js';
import * as savedServers from '../../saved-server-commands.js';
import {stringOption} from '../args.js';
import {printChange, type ScriptedCommand} from '../context.js';
import {readClientTlsFiles} from '../../../client/tls-files.js';
import {absoluteFiles, connectionFlags} from '../server-selection.js';
import {name, quoted, url} from '../values.js';
import * as views from '../views.js';

export const SERVERS_COMMANDS: ScriptedCommand[] = [
  {
    name: 'servers list',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'local',
    summary: 'The saved servers (what the console and --server NAME use)',
    details: 'Lists the servers saved in the console settings (see --config-dir).',
    options: [],
    run: async (context) => {
      const servers = savedServers.listSavedServers(await context.settings());
      if (context.output.json) context.output.document(servers.map(views.savedServerJson));
      else {
        const {columns, rows} = views.savedServerListing(servers);
        context.output.table(columns, rows);
      }
      return EXIT.ok;
    },
  },
  {
    name: 'servers add',
    args: 'URL',
    minArgs: 1,
    maxArgs: 1,
    kind: 'local',
    summary: 'Saves a server, with the connection options given',
    details:
      'Saves the server at URL under --name (default: its host:port), with --auth-plugin, --auth-data, --no-ssl-validate, --ca-file, --tls-cert/--tls-key (their paths) and --proxy-* if given. The console then connects to it when started without URLs, and --server NAME picks it.',
    options: [{name: 'name', type: 'string', value: 'NAME', help: 'The name to save it under (default: host:port)'}],
    run: async (context) => {
      const serverUrl = url(context, 'URL', context.args[0]!);
      const serverName = stringOption(context.values, 'name');
      if (serverName !== undefined) name(context, '--name', serverName);
      const flags = connectionFlags(context);
      let authPlugin = flags.authPlugin;
      let authData = flags.authData;
      if (authPlugin !== undefined) {
        // Checked now, and saved with an absolute path so that it loads from any directory; the
        // auth data saved is what rebuilds the plugin (a secret_file made absolute, say).
        authData = (await loadClientAuth(authPlugin, flags.authData ?? {}, context.cwd, context.warn)).dumpObject();
        if (authPlugin.startsWith('./') || authPlugin.startsWith('../')) authPlugin = resolve(context.cwd, authPlugin);
        else if (isAbsolute(authPlugin)) authPlugin = resolve(authPlugin);
      }
      // Read now so that a wrong path is told at once; saved as paths, read at each connection.
      const tlsFiles = absoluteFiles(context, flags.tlsFiles);
      await readClientTlsFiles(tlsFiles);
      const saved = savedServers.addSavedServer(await context.settings(), {
        url: serverUrl,
        ...(serverName === undefined ? {} : {name: serverName}),
        ...(authPlugin === undefined ? {} : {authPlugin}),
        ...(authData === undefined ? {} : {authData}),
        ...(flags.proxy === undefined ? {} : {proxy: flags.proxy}),
        ...(flags.noSslValidate ? {sslValidate: false} : {}),
        ...(tlsFiles.caFile === undefined ? {} : {caFile: tlsFiles.caFile}),
        ...(tlsFiles.certFile === undefined || tlsFiles.keyFile === undefined ? {} : {tlsCert: tlsFiles.certFile, tlsKey: tlsFiles.keyFile}),
      });
      return printChange(context, `Saved server ${quoted(saved.name)} (${saved.url})`, views.savedServerJson(saved));
    },
  },
  {
    name: 'servers rm',
    args: 'NAME',
    minArgs: 1,
    maxArgs: 1,
    kind: 'local',
    summary: 'Forgets a saved server',
    details: 'Removes the saved server called NAME from the console settings.',
    options: [],
    run: async (context) => {
      const removed = savedServers.removeSavedServer(await context.settings(), context.args[0]!);
      return printChange(context, `Removed saved server ${quoted(removed.name)}`, views.savedServerJson(removed));
    },
  },
];
