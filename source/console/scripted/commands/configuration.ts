/** Scripted `proxy get|set|clear` and `factory-reset`: the server's configuration. */
import * as commands from '../../commands.js';
import * as configuration from '../../configuration-commands.js';
import {booleanOption, stringOption} from '../args.js';
import {printChange, usage, type ScriptedCommand} from '../context.js';
import {withOneServer} from '../server-selection.js';
import {url} from '../values.js';
import * as views from '../views.js';

export const CONFIGURATION_COMMANDS: ScriptedCommand[] = [
  {
    name: 'proxy get',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'one',
    summary: "Shows the server's HTTP proxy (used toward its peers)",
    details: 'Prints the proxy URL, or "none"; the server shows credentials as ******.',
    options: [],
    run: (context) =>
      withOneServer(context, async (handle) => {
        const proxy = await commands.getProxy(handle);
        return printChange(context, views.proxyText(proxy), views.proxyJson(handle.target.url, proxy));
      }),
  },
  {
    name: 'proxy set',
    args: 'URL',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: "Sets the server's HTTP proxy (checked first)",
    details:
      "Sets the proxy the server uses toward its peers. Unless --no-check, the server first fetches --test-url (default: its http_proxy_test_url) through it and refuses if that fails. Static tunnels restart through the new proxy.",
    options: [
      {name: 'username', type: 'string', value: 'USER', help: 'Proxy Basic auth user (with --password)'},
      {name: 'password', type: 'string', value: 'PASS', help: 'Proxy Basic auth password (with --username)'},
      {name: 'test-url', type: 'string', value: 'URL', help: "What the server fetches through the proxy to check it"},
      {name: 'no-check', type: 'boolean', help: 'Set it without checking'},
    ],
    run: (context) => {
      const proxyUrl = url(context, 'URL', context.args[0]!);
      const username = stringOption(context.values, 'username');
      const password = stringOption(context.values, 'password');
      if ((username === undefined) !== (password === undefined)) throw usage(context, '--username and --password go together');
      const testUrl = stringOption(context.values, 'test-url');
      if (testUrl !== undefined) url(context, '--test-url', testUrl);
      return withOneServer(context, async (handle) => {
        const proxy = await configuration.setProxy(handle, {
          url: proxyUrl,
          ...(username === undefined ? {} : {username, password: password!}),
          ...(testUrl === undefined ? {} : {testUrl}),
          check: !booleanOption(context.values, 'no-check'),
        });
        return printChange(context, `Proxy set: ${views.proxyText(proxy)}`, views.proxyJson(handle.target.url, proxy));
      });
    },
  },
  {
    name: 'proxy clear',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'one',
    summary: "Removes the server's HTTP proxy",
    details: 'The server reaches its peers directly again; static tunnels restart.',
    options: [],
    run: (context) =>
      withOneServer(context, async (handle) => {
        const proxy = await configuration.clearProxy(handle);
        return printChange(context, 'Proxy cleared', views.proxyJson(handle.target.url, proxy));
      }),
  },
  {
    name: 'factory-reset',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'one',
    summary: "Erases the server's peers, static tunnels and proxy (needs --yes)",
    details: 'Replaces the server\'s configuration by the defaults: no peers, no static tunnels, no proxy. With --disconnect-clients, every client is disconnected too. Nothing happens without --yes.',
    options: [
      {name: 'yes', type: 'boolean', help: 'Yes, erase it'},
      {name: 'disconnect-clients', type: 'boolean', help: 'Also disconnect every client'},
    ],
    run: (context) => {
      if (!booleanOption(context.values, 'yes')) {
        throw usage(context, "factory-reset erases the server's peers, static tunnels and proxy: add --yes to do it");
      }
      const disconnectClients = booleanOption(context.values, 'disconnect-clients');
      return withOneServer(context, async (handle) => {
        await configuration.factoryReset(handle, {disconnectClients});
        const text = `Factory reset of ${handle.target.url} done${disconnectClients ? ', every client disconnected' : ''}`;
        return printChange(context, text, {server_url: handle.target.url, disconnect_clients: disconnectClients});
      });
    },
  },
];
