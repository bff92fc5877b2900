/**
 * Loads an auth plugin named on the command line.
 *
 * Form: `<module>#<ExportName>`, where <module> is a file path (absolute, or relative to the
 * working directory: it must then start with `./` or `../`) or a package name, and
 * <ExportName> the exported class (the default export when `#...` is left out). The class
 * is constructed with the parsed `--auth-data` object.
 */
import {pathToFileURL} from 'node:url';
import {createRequire} from 'node:module';
import {isAbsolute, resolve} from 'node:path';
import {NetunnelError, messageOf} from '../protocol/errors.js';
import type {ClientAuth, ServerAuth} from './contract.js';

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
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthPluginError('--auth-data must be a JSON object');
  }
  return value as Record<string, unknown>;
}

async function loadClass(where: string, cwd: string): Promise<new (data: Record<string, unknown>) => unknown> {
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
  return exported as new (data: Record<string, unknown>) => unknown;
}

function construct<T>(PluginClass: new (data: Record<string, unknown>) => unknown, data: Record<string, unknown>, where: string): T {
  try {
    return new PluginClass(data) as T;
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

export async function loadServerAuth(where: string, authData: Record<string, unknown>, cwd = process.cwd()): Promise<ServerAuth> {
  const plugin = construct<ServerAuth>(await loadClass(where, cwd), authData, where);
  requireMethods(plugin, ['isAuthenticated', 'authenticate', 'getClientForPeer'], where);
  return plugin;
}

export async function loadClientAuth(where: string, authData: Record<string, unknown>, cwd = process.cwd()): Promise<ClientAuth> {
  const plugin = construct<ClientAuth>(await loadClass(where, cwd), authData, where);
  requireMethods(plugin, ['authenticate', 'isAuthenticated', 'getAuthorizedHeaders', 'dumpObject'], where);
  return plugin;
}
