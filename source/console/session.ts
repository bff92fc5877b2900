/**
 * A console session: the servers the console watches (each a handle for the commands and a
 * live connection filling the store), and their orderly shutdown: the console's own tunnels
 * are closed on every server before anything else stops.
 */
import {EventEmitter} from 'node:events';
import {loadClientAuth, type AuthWarning} from '../auth/load-plugin.js';
import {readClientTlsFiles} from '../client/tls-files.js';
import type {Logger} from '../engine/logger.js';
import type {ManagementApi} from '../client/management-api.js';
import {messageOf} from '../protocol/errors.js';
import {ServerConnection, type ConnectionTiming} from './connection.js';
import {ServerHandle, type ServerTarget} from './server-handle.js';
import type {SavedServer} from './settings.js';
import {ConsoleStore, emptyServerView} from './store.js';

export interface SessionServer {
  key: string;
  target: ServerTarget;
  handle: ServerHandle;
  connection: ServerConnection;
  /** Where it came from: the command line, the saved servers, or the embedded server. */
  origin: 'argument' | 'saved' | 'embedded';
}

export interface ConsoleSessionOptions {
  /** Builds the API client of one server (the client library's, or a test's). */
  createApi: (target: ServerTarget) => ManagementApi;
  timing?: Partial<ConnectionTiming>;
  logger?: Logger;
}

export interface ConsoleSessionEvents {
  /** A message for the status line. */
  notice: [string];
}

/** The target of a saved server, with its auth plugin loaded and its TLS files read. */
export async function targetFromSaved(saved: SavedServer, cwd = process.cwd(), warn?: AuthWarning): Promise<ServerTarget> {
  const target: ServerTarget = {name: saved.name, url: saved.url};
  if (saved.authPlugin) target.auth = await loadClientAuth(saved.authPlugin, saved.authData ?? {}, cwd, warn);
  if (saved.proxy) target.proxy = saved.proxy;
  if (saved.sslValidate === false) target.sslValidate = false;
  const tls = await readClientTlsFiles({caFile: saved.caFile, certFile: saved.tlsCert, keyFile: saved.tlsKey});
  if (tls) target.tls = tls;
  return target;
}

/**
 * The target of a saved server; when it cannot be built (its auth plugin does not load, a TLS
 * file cannot be read), one that is `unusable` for that reason: shown as broken, never in the
 * way of the other servers.
 */
export async function targetOrBroken(saved: SavedServer, cwd = process.cwd(), warn?: AuthWarning): Promise<ServerTarget> {
  try {
    return await targetFromSaved(saved, cwd, warn);
  } catch (error) {
    return {name: saved.name, url: saved.url, unusable: messageOf(error)};
  }
}

export class ConsoleSession extends EventEmitter<ConsoleSessionEvents> {
  readonly store = new ConsoleStore();
  private readonly entries: SessionServer[] = [];
  private readonly cleanups: Array<() => Promise<void>> = [];
  private nextKey = 1;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ConsoleSessionOptions) {
    super();
  }

  get servers(): readonly SessionServer[] {
    return this.entries;
  }

  server(key: string): SessionServer | undefined {
    return this.entries.find((entry) => entry.key === key);
  }

  /** Starts watching a server; it gets a tab at the end. */
  addServer(target: ServerTarget, origin: SessionServer['origin'] = 'argument'): SessionServer {
    const key = `s${this.nextKey++}`;
    const handle = new ServerHandle(target, {api: this.options.createApi(target), ...(this.options.logger ? {logger: this.options.logger} : {})});
    const connection = new ServerConnection(handle, this.store, key, this.options.timing);
    connection.on('notice', (message) => this.emit('notice', message));
    const entry: SessionServer = {key, target, handle, connection, origin};
    this.entries.push(entry);
    this.store.addServer(emptyServerView(key, target.name, target.url));
    connection.start();
    return entry;
  }

  /** Stops watching a server, closing the console's own tunnels on it. */
  async removeServer(key: string): Promise<void> {
    const index = this.entries.findIndex((entry) => entry.key === key);
    if (index === -1) return;
    const [entry] = this.entries.splice(index, 1);
    entry!.connection.stop();
    this.store.removeServer(key);
    await entry!.handle.close();
  }

  /** Runs at close, after the own tunnels are closed (e.g. stopping the embedded server). */
  onClose(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Closes the console's own tunnels on every server, then everything else. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const entry of this.entries) entry.connection.stop();
      await Promise.allSettled(this.entries.map((entry) => entry.handle.close()));
      for (const cleanup of this.cleanups) await cleanup().catch(() => {});
    })();
    return this.closing;
  }
}
