/**
 * The forms and confirmations of the TUI on the console's saved servers: add one (and open
 * its tab), edit one (its tab reopens), forget one (its tab closes).
 */
import * as savedServers from '../saved-server-commands.js';
import {targetFromSaved} from '../session.js';
import type {ConsoleSettings, SavedServer} from '../settings.js';
import {jsonObjectError, nameError, requireJsonObject, urlError} from '../validate.js';
import type {ConfirmSpec} from './confirm.js';
import type {FormSpec, FormValues} from './form.js';

function serverFields(settings: ConsoleSettings, existing?: SavedServer): FormSpec['fields'] {
  return [
    {name: 'url', label: 'URL', initial: existing?.url ?? '', placeholder: 'http://host:4040', check: (text) => urlError(text)},
    {
      name: 'name',
      label: 'Name',
      initial: existing?.name ?? '',
      placeholder: 'empty: host:port',
      check: (text) => {
        if (text.trim() === '') return undefined;
        const error = nameError(text);
        if (error) return error;
        return text.trim() !== existing?.name && settings.listServers().some((server) => server.name === text.trim()) ? 'is taken' : undefined;
      },
    },
    {name: 'authPlugin', label: 'Auth plugin', initial: existing?.authPlugin ?? '', placeholder: 'empty: none; ./plugin.js#Name'},
    {
      name: 'authData',
      label: 'Auth data (JSON)',
      initial: existing?.authData ? JSON.stringify(existing.authData) : '',
      placeholder: '{}',
      check: (text) => jsonObjectError(text, {optional: true}),
    },
    {name: 'proxyUrl', label: 'Via HTTP proxy', initial: existing?.proxy?.url ?? '', placeholder: 'empty: direct', check: (text) => urlError(text, {optional: true})},
    {name: 'proxyUsername', label: 'Proxy username', initial: existing?.proxy?.username ?? ''},
    {name: 'proxyPassword', label: 'Proxy password', kind: 'password', initial: existing?.proxy?.password ?? ''},
    {name: 'sslValidate', label: 'Check TLS certificate', kind: 'choice', choices: ['yes', 'no'], initial: existing?.sslValidate === false ? 'no' : 'yes'},
  ];
}

function savedServerOf(values: FormValues): Omit<SavedServer, 'name'> & {name?: string} {
  const server: Omit<SavedServer, 'name'> & {name?: string} = {url: values.url!.trim()};
  if ((values.name ?? '').trim() !== '') server.name = values.name!.trim();
  if ((values.authPlugin ?? '').trim() !== '') server.authPlugin = values.authPlugin!.trim();
  if ((values.authData ?? '').trim() !== '') server.authData = requireJsonObject('auth data', values.authData!);
  if ((values.proxyUrl ?? '').trim() !== '') {
    server.proxy = {url: values.proxyUrl!.trim()};
    if (values.proxyUsername || values.proxyPassword) Object.assign(server.proxy, {username: values.proxyUsername ?? '', password: values.proxyPassword ?? ''});
  }
  if (values.sslValidate === 'no') server.sslValidate = false;
  return server;
}

/**
 * What would be saved, tried first: its auth plugin loaded, its files read. A server that
 * cannot be used is not saved (it would be in the way of every later console).
 */
async function tried(settings: ConsoleSettings, server: Omit<SavedServer, 'name'> & {name?: string}, name?: string): Promise<void> {
  await targetFromSaved({...server, name: name ?? server.name ?? settings.suggestName(server.url)});
}

/** Adds a saved server (once it is known to be usable) and opens its tab. */
export function addServerForm(settings: ConsoleSettings, open: (saved: SavedServer) => Promise<void>): FormSpec {
  return {
    title: 'Add a server',
    intro: `Saved in ${settings.path}`,
    fields: serverFields(settings),
    async submit(values) {
      const server = savedServerOf(values);
      await tried(settings, server);
      const saved = savedServers.addSavedServer(settings, server);
      await open(saved);
      return {text: `Server ${saved.name} saved and opened`, tone: 'ok'};
    },
  };
}

export function editServerForm(settings: ConsoleSettings, existing: SavedServer, reopen: (saved: SavedServer) => Promise<void>): FormSpec {
  return {
    title: `Edit saved server ${existing.name}`,
    intro: `Saved in ${settings.path}`,
    fields: serverFields(settings, existing),
    async submit(values) {
      const server = savedServerOf(values);
      await tried(settings, server, server.name ?? existing.name);
      const saved = savedServers.updateSavedServer(settings, existing.name, {...server, name: server.name ?? existing.name});
      await reopen(saved);
      return {text: `Server ${saved.name} saved`, tone: 'ok'};
    },
  };
}

export function removeServerConfirm(settings: ConsoleSettings, saved: SavedServer, close: () => Promise<void>): ConfirmSpec {
  return {
    title: `Forget saved server ${saved.name}?`,
    lines: [saved.url, "Its tab closes (the console's own tunnels on it close too). The server itself is not touched."],
    async run() {
      savedServers.removeSavedServer(settings, saved.name);
      await close();
      return {text: `Server ${saved.name} forgotten`, tone: 'ok'};
    },
  };
}
