/**
 * Which servers a scripted command talks to: --server URLs or saved names, else the saved
 * servers, else http://127.0.0.1:4040, each with the connection flags (--auth-plugin, --proxy-*,
 * --no-ssl-validate) over a saved server's own; and the two ways of acting on them: on exactly
 * one (withOneServer), or reading all at once (readAll).
 */
import {resolve} from 'node:path';
import {loadClientAuth, parseAuthData} from '../../auth/load-plugin.js';
import {ManagementClient} from '../../client/management-client.js';
import {readClientTlsFiles} from '../../client/tls-files.js';
import type {Logger} from '../../engine/logger.js';
import {EXIT, exitCodeOf, failureLine} from '../../exit-codes.js';
import {ServerHandle, transportOptionsOf, type ServerTarget} from '../server-handle.js';
import type {SavedServer} from '../settings.js';
import {urlError} from '../validate.js';
import {booleanOption, listOption, stringOption} from './args.js';
import {PROGRAM, usage, type CommandContext} from './context.js';
import type * as views from './views.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4040';

function hostName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The connection flags (--auth-plugin, --proxy-*, --no-ssl-validate, --ca-file, --tls-*), checked. */
export function connectionFlags(context: CommandContext) {
  const {values} = context;
  const authPlugin = stringOption(values, 'auth-plugin');
  const authDataText = stringOption(values, 'auth-data');
  if (authDataText !== undefined && authPlugin === undefined) throw usage(context, '--auth-data needs --auth-plugin');
  const authData = authDataText === undefined ? undefined : parseAuthData(authDataText);
  const proxyUrl = stringOption(values, 'proxy-url');
  const proxyUsername = stringOption(values, 'proxy-username');
  const proxyPassword = stringOption(values, 'proxy-password');
  if ((proxyUsername === undefined) !== (proxyPassword === undefined)) throw usage(context, '--proxy-username and --proxy-password go together');
  if (proxyUsername !== undefined && proxyUrl === undefined) throw usage(context, '--proxy-username needs --proxy-url');
  if (proxyUrl !== undefined && urlError(proxyUrl)) throw usage(context, `--proxy-url ${urlError(proxyUrl)}`);
  const proxy = proxyUrl === undefined ? undefined : {url: proxyUrl, ...(proxyUsername === undefined ? {} : {username: proxyUsername, password: proxyPassword})};
  const tlsFiles = {caFile: stringOption(values, 'ca-file'), certFile: stringOption(values, 'tls-cert'), keyFile: stringOption(values, 'tls-key')};
  if ((tlsFiles.certFile === undefined) !== (tlsFiles.keyFile === undefined)) throw usage(context, '--tls-cert and --tls-key go together');
  return {authPlugin, authData, proxy, noSslValidate: booleanOption(values, 'no-ssl-validate'), tlsFiles};
}

/** Applies the connection flags to a target (they override a saved server's own). */
async function withConnectionFlags(context: CommandContext, target: ServerTarget): Promise<ServerTarget> {
  const flags = connectionFlags(context);
  if (flags.authPlugin !== undefined) target.auth = await loadClientAuth(flags.authPlugin, flags.authData ?? {}, context.cwd, context.warn);
  if (flags.proxy) target.proxy = flags.proxy;
  if (flags.noSslValidate) target.sslValidate = false;
  const tls = await readClientTlsFiles(absoluteFiles(context, flags.tlsFiles));
  if (tls) target.tls = {...target.tls, ...tls};
  return target;
}

/** The TLS files given, relative ones taken from the working directory (and saved so). */
export function absoluteFiles<T extends Record<string, string | undefined>>(context: CommandContext, files: T): T {
  return Object.fromEntries(Object.entries(files).map(([key, path]) => [key, path === undefined ? undefined : resolve(context.cwd, path)])) as T;
}

async function savedTarget(context: CommandContext, saved: SavedServer): Promise<ServerTarget> {
  const {targetFromSaved} = await import('../session.js');
  return withConnectionFlags(context, await targetFromSaved(saved, context.cwd, context.warn));
}

/** The servers picked by --server (URLs or saved names), else the saved ones, else the default URL. */
export async function selectTargets(context: CommandContext): Promise<ServerTarget[]> {
  const picked = listOption(context.values, 'server');
  if (picked.length === 0) {
    const saved = (await context.settings()).listServers();
    if (saved.length > 0) return Promise.all(saved.map((server) => savedTarget(context, server)));
    return [await withConnectionFlags(context, {name: hostName(DEFAULT_SERVER_URL), url: DEFAULT_SERVER_URL})];
  }
  const targets: ServerTarget[] = [];
  for (const value of picked) {
    if (value.includes('://')) {
      const error = urlError(value);
      if (error) throw usage(context, `--server "${value}" ${error}`);
      targets.push(await withConnectionFlags(context, {name: hostName(value), url: value.trim()}));
      continue;
    }
    const saved = (await context.settings()).listServers().find((server) => server.name === value);
    if (!saved) throw usage(context, `--server "${value}" is neither a URL nor the name of a saved server (see servers list)`);
    targets.push(await savedTarget(context, saved));
  }
  return targets;
}

export function openHandle(context: CommandContext, target: ServerTarget, logger?: Logger): ServerHandle {
  const api = context.io.createApi?.(target) ?? new ManagementClient(transportOptionsOf(target));
  return new ServerHandle(target, {api, ...(logger ? {logger} : {})});
}

export async function withOneServer(context: CommandContext, work: (handle: ServerHandle) => Promise<number>, logger?: Logger): Promise<number> {
  const targets = await selectTargets(context);
  if (targets.length !== 1) {
    throw usage(
      context,
      `${context.command.name} acts on one server: pick it with --server (${targets.length} are selected: ${targets.map((target) => target.name).join(', ')})`,
    );
  }
  const handle = openHandle(context, targets[0]!, logger);
  try {
    return await work(handle);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Reads every selected server at once; prints what could be read, and one line per failure. */
export async function readAll<T>(
  context: CommandContext,
  read: (handle: ServerHandle) => Promise<T[]>,
  render: (items: views.FromServer<T>[], withServer: boolean) => views.Listing,
  json: (item: views.FromServer<T>) => unknown,
): Promise<number> {
  const targets = await selectTargets(context);
  const handles = targets.map((target) => openHandle(context, target));
  try {
    const results = await Promise.allSettled(handles.map((handle) => read(handle)));
    const items: views.FromServer<T>[] = [];
    const failures: string[] = [];
    results.forEach((result, index) => {
      const target = targets[index]!;
      if (result.status === 'fulfilled') {
        for (const item of result.value) items.push({name: target.name, url: target.url, item});
      } else {
        if (exitCodeOf(result.reason) === EXIT.usage) throw result.reason;
        const message = failureLine(result.reason);
        failures.push(targets.length > 1 ? `${target.name}: ${message}` : message);
      }
    });
    if (context.output.json) context.output.document(items.map(json));
    else if (failures.length < targets.length) {
      const {columns, rows} = render(items, targets.length > 1);
      context.output.table(columns, rows);
    }
    for (const failure of failures) context.io.stderr.write(`${PROGRAM}: ${failure}\n`);
    return failures.length > 0 ? EXIT.failure : EXIT.ok;
  } finally {
    await Promise.allSettled(handles.map((handle) => handle.close()));
  }
}
