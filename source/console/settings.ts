/**
 * The console's settings: its saved servers, kept by conf where the user's config lives
 * (`$XDG_CONFIG_HOME/netunnel/config.json` on Linux), or in `configDir` when given
 * (`--config-dir`; tests always pass a temporary one). The file is readable by its owner
 * only, since it may hold auth data and proxy credentials. It is parsed on every read: a file
 * edited by hand into something else is a SettingsError naming the file and the field.
 */
import Conf from 'conf';
import {z} from 'zod';
import {messageOf} from '../protocol/errors.js';
import {authDataSchema, httpUrlSchema} from '../protocol/fields.js';
import {proxySettingsSchema} from '../protocol/proxy-settings.js';
import {describeValueIssue} from '../protocol/schema-issues.js';
import {AlreadyExistsError, InvalidInputError, NotFoundError, SettingsError} from './errors.js';
import {nameError, requireName, requireUrl} from './validate.js';

const savedServerSchema = z.object({
  /** Unique; what the tabs show and what `servers rm NAME` takes. */
  name: z.string().min(1),
  url: httpUrlSchema(),
  /** `<module>#<ExportName>`, as netunnel-client's --auth-plugin. */
  authPlugin: z.string().optional(),
  authData: authDataSchema().optional(),
  proxy: proxySettingsSchema.optional(),
  /** False: do not check the server's TLS certificate (--no-ssl-validate). */
  sslValidate: z.boolean().optional(),
  /** A private CA to trust for this server (--ca-file; an absolute path, read at each connection). */
  caFile: z.string().optional(),
  /** A client certificate and its key (--tls-cert, --tls-key; absolute paths). */
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
});

export type SavedServer = z.output<typeof savedServerSchema>;

/** Keys of later versions are kept as they are. */
const settingsFileSchema = z.looseObject({servers: z.array(savedServerSchema)});

interface SettingsShape {
  servers: SavedServer[];
}

function checkServer(server: SavedServer): SavedServer {
  const checked: SavedServer = {name: requireName('name', server.name), url: requireUrl('url', server.url)};
  if (server.authPlugin !== undefined && server.authPlugin.trim() !== '') checked.authPlugin = server.authPlugin.trim();
  if (server.authData !== undefined) checked.authData = server.authData;
  if (server.proxy !== undefined) {
    requireUrl('proxy url', server.proxy.url);
    if ((server.proxy.username === undefined) !== (server.proxy.password === undefined)) {
      throw new InvalidInputError('proxy', 'proxy username and password go together');
    }
    checked.proxy = server.proxy;
  }
  if (server.sslValidate === false) checked.sslValidate = false;
  if ((server.tlsCert === undefined) !== (server.tlsKey === undefined)) throw new InvalidInputError('tls', 'a client certificate and its key go together');
  if (server.caFile !== undefined) checked.caFile = server.caFile;
  if (server.tlsCert !== undefined && server.tlsKey !== undefined) {
    checked.tlsCert = server.tlsCert;
    checked.tlsKey = server.tlsKey;
  }
  return checked;
}

export class ConsoleSettings {
  private readonly store: Conf<SettingsShape>;

  constructor(options: {configDir?: string} = {}) {
    const where = {projectName: 'netunnel', projectSuffix: '', ...(options.configDir === undefined ? {} : {cwd: options.configDir})};
    try {
      this.store = new Conf<SettingsShape>({...where, configFileMode: 0o600, defaults: {servers: []}});
    } catch (error) {
      // conf reads the file as it is made and throws the parser's error, without the file's
      // name: a second instance that takes any text (and has no defaults to write) tells it.
      const path = new Conf({...where, deserialize: () => ({})}).path;
      throw new SettingsError(`Settings file ${path} is not valid JSON: ${messageOf(error)}`);
    }
  }

  /** Where the settings file is. */
  get path(): string {
    return this.store.path;
  }

  listServers(): SavedServer[] {
    const parsed = settingsFileSchema.safeParse(this.store.store);
    if (!parsed.success) throw new SettingsError(`Settings file ${this.path}: ${describeValueIssue(parsed.error)}`);
    return parsed.data.servers;
  }

  getServer(name: string): SavedServer {
    const found = this.listServers().find((server) => server.name === name);
    if (!found) throw new NotFoundError(`No saved server is called "${name}"`);
    return found;
  }

  addServer(server: SavedServer): SavedServer {
    const checked = checkServer(server);
    const servers = this.listServers();
    if (servers.some((existing) => existing.name === checked.name)) {
      throw new AlreadyExistsError(`A saved server is already called "${checked.name}"`);
    }
    this.store.set('servers', [...servers, checked]);
    return checked;
  }

  /** Replaces the server called `name` (which may be renamed). */
  updateServer(name: string, server: SavedServer): SavedServer {
    const checked = checkServer(server);
    const servers = this.listServers();
    const index = servers.findIndex((existing) => existing.name === name);
    if (index === -1) throw new NotFoundError(`No saved server is called "${name}"`);
    if (checked.name !== name && servers.some((existing) => existing.name === checked.name)) {
      throw new AlreadyExistsError(`A saved server is already called "${checked.name}"`);
    }
    this.store.set('servers', servers.map((existing, at) => (at === index ? checked : existing)));
    return checked;
  }

  removeServer(name: string): SavedServer {
    const servers = this.listServers();
    const found = servers.find((server) => server.name === name);
    if (!found) throw new NotFoundError(`No saved server is called "${name}"`);
    this.store.set('servers', servers.filter((server) => server !== found));
    return found;
  }

  /** A free name for a server at `url` (its host:port, made unique). */
  suggestName(url: string): string {
    let base: string;
    try {
      base = new URL(url).host;
    } catch {
      base = 'server';
    }
    if (nameError(base) !== undefined) base = 'server';
    const taken = new Set(this.listServers().map((server) => server.name));
    if (!taken.has(base)) return base;
    for (let suffix = 2; ; suffix += 1) if (!taken.has(`${base}-${suffix}`)) return `${base}-${suffix}`;
  }
}
