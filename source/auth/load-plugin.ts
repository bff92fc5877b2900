/**
 * Loads an auth plugin named on the command line.
 *
 * `secret` is the built-in plugin (secret-auth.ts). Otherwise the form is
 * `<module>#<ExportName>`, where <module> is a file path (absolute, or relative to the
 * working directory: it must then start with `./` or `../`) or a package name, and
 * <ExportName> the exported class (the default export when `#...` is left out; a package
 * called like a built-in is `name#default`). The class is constructed with the parsed
 * `--auth-data` object.
 */
import {pathToFileURL} from 'node:url';
import {createRequire} from 'node:module';
import {isAbsolute, resolve} from 'node:path';
import {NetunnelError, messageOf} from '../protocol/errors.js';
import {authDataSchema} from '../protocol/fields.js';
import type {ClientAuth, ServerAuth} from './contract.js';
import type {SecretSourceOptions} from './secret-source.js';

/** What a plugin constructor takes besides its auth data (built-in plugins only). */
type PluginClass = new (data: Record<string, unknown>, options?: SecretSourceOptions) => unknown;

/** Where a plugin is told about something the user should fix (e.g. a secret file others can read). */
export type AuthWarning = (message: string) => void;

/** The built-in plugins, by the name `--auth-plugin` takes; loaded only when named. */
const BUILT_IN: Record<string, () => Promise<{server: PluginClass; client: PluginClass}>> = {
  secret: async () => {
    const {SecretServerAuth, SecretClientAuth} = await import('./secret-auth.js');
    return {server: SecretServerAuth, client: SecretClientAuth};
  },
};

/** True when `where` names a built-in plugin (saved as is, never as a path). */
export function isBuiltInPlugin(where: string): boolean {
  return Object.hasOwn(BUILT_IN, where);
}

export class AuthPluginError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_AUTH_PLUGIN', message);
  }
}

function isPath(specifier: string): boolean {
  return isAbsolute(specifier) || specifier.startsWith('./') || specifier.startsWith('../');
}

async function importPlugin(specifier: string, cwd: string): Promise<Record<string, unknown>> {
  if (isPath(specifier)) return import(pathToFileURL(resolve(cwd, specifier)).href);
  try {
    // Packages are looked up from the working directory first, as a user expects.
    return await import(pathToFileURL(createRequire(resolve(cwd, 'package.json')).resolve(specifier)).href);
  } catch {
    return import(specifier);
  }
}

/** Parses `--auth-data`: it must be a JSON object. */
export function parseAuthData(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AuthPluginError(`--auth-data is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = authDataSchema().safeParse(value);
  if (!parsed.success) throw new AuthPluginError('--auth-data must be a JSON object');
  return parsed.data;
}

async function loadClass(where: string, cwd: string, half: 'server' | 'client'): Promise<PluginClass> {
  if (isBuiltInPlugin(where)) return (await BUILT_IN[where]!())[half];
  const hash = where.lastIndexOf('#');
  const specifier = hash === -1 ? where : where.slice(0, hash);
  const exportName = hash === -1 ? 'default' : where.slice(hash + 1);
  if (specifier === '' || exportName === '') throw new AuthPluginError(`--auth-plugin "${where}" is not of the form <module>#<ExportName>`);
  let module: Record<string, unknown>;
  try {
    module = await importPlugin(specifier, cwd);
  } catch (error) {
    // Node names the importing file (ours, e.g. ".../auth/load-plugin.js"), which means nothing to a user.
    const reason = messageOf(error).split('\n')[0]!.replace(/ imported from .*$/, '');
    throw new AuthPluginError(`Cannot load auth plugin module "${specifier}": ${reason}`);
  }
  const exported = module[exportName];
  if (typeof exported !== 'function') {
    throw new AuthPluginError(`Auth plugin module "${specifier}" has no exported class "${exportName}"`);
  }
  return exported as PluginClass;
}

/** A built-in plugin also learns the working directory and where to warn; others get their auth data only (contract.ts). */
function builtInOptions(where: string, cwd: string, warn: AuthWarning | undefined): SecretSourceOptions | undefined {
  return isBuiltInPlugin(where) ? {cwd, warn} : undefined;
}

function construct<T>(Plugin: PluginClass, data: Record<string, unknown>, where: string, options: SecretSourceOptions | undefined): T {
  try {
    return (options === undefined ? new Plugin(data) : new Plugin(data, options)) as T;
  } catch (error) {
    throw new AuthPluginError(`Auth plugin "${where}" refused its --auth-data: ${(error as Error).message}`);
  }
}

function requireMethods(plugin: object, methods: string[], where: string): void {
  for (const method of methods) {
    if (typeof (plugin as Record<string, unknown>)[method] !== 'function') {
      throw new AuthPluginError(`Auth plugin "${where}" has no ${method}() method`);
    }
  }
}

export async function loadServerAuth(where: string, authData: Record<string, unknown>, cwd = process.cwd(), warn?: AuthWarning): Promise<ServerAuth> {
  const plugin = construct<ServerAuth>(await loadClass(where, cwd, 'server'), authData, where, builtInOptions(where, cwd, warn));
  requireMethods(plugin, ['isAuthenticated', 'authenticate', 'getClientForPeer'], where);
  return plugin;
}

export async function loadClientAuth(where: string, authData: Record<string, unknown>, cwd = process.cwd(), warn?: AuthWarning): Promise<ClientAuth> {
  const plugin = construct<ClientAuth>(await loadClass(where, cwd, 'client'), authData, where, builtInOptions(where, cwd, warn));
  requireMethods(plugin, ['authenticate', 'isAuthenticated', 'getAuthorizedHeaders', 'dumpObject'], where);
  return plugin;
}
