/**
 * The console's commands on its own settings: the saved servers (the tabs a console opens
 * when started without URLs, and what `--server NAME` picks), shared by the TUI and the
 * scripted mode like the server commands (commands.ts).
 */
import type {ConsoleSettings, SavedServer} from './settings.js';
import {requireUrl} from './validate.js';

export function listSavedServers(settings: ConsoleSettings): SavedServer[] {
  return settings.listServers();
}

/** Saves a server; without a name, its host:port (made unique). */
export function addSavedServer(settings: ConsoleSettings, server: Omit<SavedServer, 'name'> & {name?: string}): SavedServer {
  const url = requireUrl('url', server.url);
  const name = server.name === undefined || server.name.trim() === '' ? settings.suggestName(url) : server.name;
  return settings.addServer({...server, name, url});
}

export function updateSavedServer(settings: ConsoleSettings, name: string, server: SavedServer): SavedServer {
  return settings.updateServer(name, server);
}

export function removeSavedServer(settings: ConsoleSettings, name: string): SavedServer {
  return settings.removeServer(name);
}
