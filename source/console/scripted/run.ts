/**
 * Scripted mode (`netunnel-tui --no-tui COMMAND ...`): the console's commands without a
 * screen. Each command here parses its arguments, calls the console's command layer (the
 * same functions the TUI calls) and prints the result; runScripted resolves with the exit
 * code: 0 success, 1 a server refused or could not be reached, 2 bad usage, 130 interrupted.
 * It never exits the process itself, nor reads process.argv: the CLI hands everything in.
 */
import {isAbsolute, resolve} from 'node:path';
import {loadClientAuth, parseAuthData, type AuthWarning} from '../../auth/load-plugin.js';
import {NO_SSL_VALIDATE_WARNING} from '../../client/server-transport.js';
import {readClientTlsFiles} from '../../client/tls-files.js';
import type {Logger} from '../../engine/logger.js';
import {NetunnelError, messageOf} from '../../protocol/errors.js';
import type {ServerEvent} from '../../protocol/management.js';
import {IMPLEMENTATION_VERSION} from '../../protocol/version.js';
import type {ConsoleApi, EventSubscription} from '../api.js';
import * as commands from '../commands.js';
import {connectApi} from '../connect-api.js';
import {InvalidInputError} from '../errors.js';
import {ServerHandle, transportOptionsOf, type ServerTarget} from '../server-handle.js';
import type {ConsoleSettings, SavedServer} from '../settings.js';
import {ipv4Error, jsonObjectError, nameError, portError, urlError} from '../validate.js';
import {booleanOption, listOption, parseCommandLine, stringOption, type OptionValues, type ParsedCommandLine} from './args.js';
import {InterruptedError, ScriptedUsageError} from './errors.js';
import {commandHelp, generalHelp, groupHelp} from './help.js';
import {Output, type TextSink} from './output.js';
import {usageLine, type CommandSpec} from './spec.js';
import * as views from './views.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4040';

export const EXIT = {ok: 0, failure: 1, usage: 2, interrupted: 130} as const;

export interface ScriptedIo {
  stdout: TextSink & {isTTY?: boolean};
  stderr: TextSink;
  /** Where relative auth plugin paths are resolved (default process.cwd()). */
  cwd?: string;
  /** Aborted on SIGINT/SIGTERM: ends `open` and `watch` cleanly, interrupts the others. */
  signal?: AbortSignal;
  /** The log of `open` (the client's messages); `debug` with -d. Default: none. */
  createLogger?: (debug: boolean) => Logger;
  /** Builds a server's API (default: connectApi, the client library). */
  createApi?: (target: ServerTarget) => ConsoleApi;
}

const PROGRAM = 'netunnel-tui';

/** Error codes that mean the user's command line is wrong: exit 2 with the usage line. */
const USAGE_CODES = new Set(['NETUNNEL_ERR_USAGE', 'NETUNNEL_ERR_INVALID_INPUT', 'NETUNNEL_ERR_AUTH_PLUGIN', 'NETUNNEL_ERR_TLS_MATERIAL']);

interface Context {
  command: CommandSpec;
  args: string[];
  values: OptionValues;
  output: Output;
  io: ScriptedIo;
  cwd: string;
  signal: AbortSignal;
  settings(): Promise<ConsoleSettings>;
  /** A line on stderr the user should read, without failing the command. */
  warn: AuthWarning;
}

export async function runScripted(argv: string[], io: ScriptedIo): Promise<number> {
  let command: CommandSpec | undefined;
  const signal = io.signal ?? new AbortController().signal;
  try {
    const parsed: ParsedCommandLine = parseCommandLine(argv);
    command = parsed.command;
    if (parsed.help) {
      io.stdout.write(command ? commandHelp(command) : parsed.group ? groupHelp(parsed.group) : generalHelp());
      return EXIT.ok;
    }
    if (parsed.version || !command) {
      io.stdout.write(`${IMPLEMENTATION_VERSION}\n`);
      return EXIT.ok;
    }
    const values = parsed.values;
    const warn = (message: string) => io.stderr.write(`${PROGRAM}: warning: ${message}\n`);
    if (booleanOption(values, 'no-ssl-validate')) warn(NO_SSL_VALIDATE_WARNING);
    const mode = booleanOption(values, 'json') ? 'json' : io.stdout.isTTY ? 'table' : 'plain';
    const configDir = stringOption(values, 'config-dir');
    let settings: Promise<ConsoleSettings> | undefined;
    const context: Context = {
      command,
      args: parsed.args,
      values,
      output: new Output(io.stdout, mode, booleanOption(values, 'ascii')),
      io,
      cwd: io.cwd ?? process.cwd(),
      signal,
      warn,
      settings: () =>
        (settings ??= import('../settings.js').then(({ConsoleSettings}) => new ConsoleSettings(configDir === undefined ? {} : {configDir}))),
    };
    const run = HANDLERS[command.name]!(context);
    if (command.kind === 'one-long' || command.kind === 'all-long') return await run;
    return await untilInterrupted(run, signal);
  } catch (error) {
    return report(error, io.stderr, command);
  }
}

/** A short command gives up when interrupted (its servers' connections close with the process). */
function untilInterrupted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptedError());
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(new InterruptedError());
    signal.addEventListener('abort', onAbort, {once: true});
    work.then(resolvePromise, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

function report(error: unknown, stderr: TextSink, command: CommandSpec | undefined): number {
  if (error instanceof InterruptedError) return EXIT.interrupted;
  if (error instanceof NetunnelError && USAGE_CODES.has(error.code)) {
    const about = error instanceof ScriptedUsageError ? (error.command ?? command) : command;
    stderr.write(`${PROGRAM}: ${oneLine(error.message)}\n${usageLine(about)}\n`);
    return EXIT.usage;
  }
  const known = error instanceof NetunnelError || (error as NodeJS.ErrnoException)?.code !== undefined;
  stderr.write(`${PROGRAM}: ${known ? '' : 'unexpected error: '}${oneLine(messageOf(error))}\n`);
  return EXIT.failure;
}

// ---------------------------------------------------------------- servers

function usage(context: Context, message: string): ScriptedUsageError {
  return new ScriptedUsageError(message, context.command);
}

function hostName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The connection flags (--auth-plugin, --proxy-*, --no-ssl-validate, --ca-file, --tls-*), checked. */
function connectionFlags(context: Context) {
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
async function withConnectionFlags(context: Context, target: ServerTarget): Promise<ServerTarget> {
  const flags = connectionFlags(context);
  if (flags.authPlugin !== undefined) target.auth = await loadClientAuth(flags.authPlugin, flags.authData ?? {}, context.cwd, context.warn);
  if (flags.proxy) target.proxy = flags.proxy;
  if (flags.noSslValidate) target.sslValidate = false;
  const tls = await readClientTlsFiles(absoluteFiles(context, flags.tlsFiles));
  if (tls) target.tls = {...target.tls, ...tls};
  return target;
}

/** The TLS files given, relative ones taken from the working directory (and saved so). */
function absoluteFiles<T extends Record<string, string | undefined>>(context: Context, files: T): T {
  return Object.fromEntries(Object.entries(files).map(([key, path]) => [key, path === undefined ? undefined : resolve(context.cwd, path)])) as T;
}

async function savedTarget(context: Context, saved: SavedServer): Promise<ServerTarget> {
  const {targetFromSaved} = await import('../session.js');
  return withConnectionFlags(context, await targetFromSaved(saved, context.cwd, context.warn));
}

/** The servers picked by --server (URLs or saved names), else the saved ones, else the default URL. */
async function selectTargets(context: Context): Promise<ServerTarget[]> {
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

function openHandle(context: Context, target: ServerTarget, logger?: Logger): ServerHandle {
  const api = context.io.createApi?.(target) ?? connectApi(transportOptionsOf(target));
  return new ServerHandle(target, {api, ...(logger ? {logger} : {})});
}

async function withOneServer(context: Context, work: (handle: ServerHandle) => Promise<number>, logger?: Logger): Promise<number> {
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
async function readAll<T>(
  context: Context,
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
        if (result.reason instanceof NetunnelError && USAGE_CODES.has(result.reason.code)) throw result.reason;
        const message = oneLine(messageOf(result.reason));
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

// ---------------------------------------------------------------- argument checks

function port(context: Context, what: string, text: string, options: {allowZero?: boolean} = {}): number {
  const error = portError(text, options);
  if (error) throw usage(context, `${what} ${error}`);
  return Number(text.trim());
}

function optionalPort(context: Context, flag: string, options: {allowZero?: boolean} = {}): number | undefined {
  const text = stringOption(context.values, flag);
  return text === undefined ? undefined : port(context, `--${flag}`, text, options);
}

function address(context: Context, flag: string, fallback: string): string {
  const text = stringOption(context.values, flag) ?? fallback;
  const error = ipv4Error(text);
  if (error) throw usage(context, `--${flag} ${error}`);
  return text.trim();
}

function id(context: Context, what: string, text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw usage(context, `${what} must be a positive integer`);
  return Number(text);
}

function name(context: Context, what: string, text: string): string {
  const error = nameError(text);
  if (error) throw usage(context, `${what} ${error}`);
  return text.trim();
}

function url(context: Context, what: string, text: string): string {
  const error = urlError(text);
  if (error) throw usage(context, `${what} ${error}`);
  return text.trim();
}

function jsonObject(context: Context, flag: string): Record<string, unknown> | undefined {
  const text = stringOption(context.values, flag);
  if (text === undefined) return undefined;
  const error = jsonObjectError(text);
  if (error) throw usage(context, `--${flag} ${error}`);
  return JSON.parse(text) as Record<string, unknown>;
}

function done(context: Context, text: string, json: unknown): number {
  if (context.output.json) context.output.document(json);
  else context.output.line(text);
  return EXIT.ok;
}

const quoted = (text: string) => JSON.stringify(text);

/** The command layer names `open`'s values as a form does; the command line names them by flag. */
function asFlagError(context: Context, error: InvalidInputError, reverse: boolean): ScriptedUsageError {
  const flags: Record<string, string> = reverse
    ? {'entrance address': '--remote-address', 'entrance port': '--remote-port', 'exit address': '--local-address', 'exit port': '--local-port'}
    : {'exit address': '--remote-address', 'exit port': '--remote-port', 'local address': '--local-address', 'local port': '--local-port'};
  const flag = flags[error.field];
  return usage(context, flag && error.message.startsWith(error.field) ? flag + error.message.slice(error.field.length) : error.message);
}

// ---------------------------------------------------------------- the commands

type Handler = (context: Context) => Promise<number>;

const HANDLERS: Record<string, Handler> = {
  status: (context) =>
    readAll(
      context,
      async (handle) => [await commands.getStatus(handle)],
      (items) => views.statusListing(items),
      views.statusJson,
    ),

  channels: (context) =>
    readAll(context, (handle) => commands.listChannels(handle), views.channelListing, ({url, item}) => ({server_url: url, ...item})),

  tunnels: (context) =>
    readAll(context, (handle) => commands.listTunnels(handle), views.tunnelListing, ({url, item}) => ({server_url: url, ...item})),

  peers: (context) => readAll(context, (handle) => commands.listPeers(handle), views.peerListing, ({url, item}) => ({server_url: url, ...item})),

  'static-tunnels': (context) =>
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

  open: async (context) => {
    const reverse = booleanOption(context.values, 'reverse');
    const localAddress = address(context, 'local-address', '127.0.0.1');
    const remoteAddress = address(context, 'remote-address', '127.0.0.1');
    const localPort = optionalPort(context, 'local-port', {allowZero: !reverse});
    const remotePort = optionalPort(context, 'remote-port', {allowZero: reverse}) ?? 22;
    if (reverse && localPort === undefined) throw usage(context, '--local-port is required with --reverse');
    const logger = context.io.createLogger?.(booleanOption(context.values, 'debug'));
    return withOneServer(
      context,
      async (handle) => {
        const lost = new Promise<string>((resolvePromise) => handle.once('ownChannelLost', resolvePromise));
        if (!context.output.json) context.output.line(reverse ? 'Opening tunnel to the client...' : 'Opening tunnel to the server...');
        const opened = await (
          reverse
            ? commands.openReverseTunnel(handle, {entranceAddress: remoteAddress, entrancePort: remotePort, exitAddress: localAddress, exitPort: localPort!})
            : commands.openForwardTunnel(handle, {exitAddress: remoteAddress, exitPort: remotePort, localAddress, localPort: localPort ?? null})
        ).catch((error: unknown) => {
          throw error instanceof InvalidInputError ? asFlagError(context, error, reverse) : error;
        });
        if (context.output.json) {
          context.output.jsonLine({
            server_url: handle.target.url,
            channel_id: opened.channelId,
            tunnel_id: opened.tunnelId,
            direction: opened.direction,
            entrance: opened.entrance,
            exit: opened.exit,
          });
        } else {
          context.output.line(`Tunnel entrance socket: ${opened.entrance.address}:${opened.entrance.port}`);
          context.output.line(`Tunnel exit socket: ${opened.exit.address}:${opened.exit.port}`);
        }
        const interrupted = new Promise<'interrupted'>((resolvePromise) => {
          if (context.signal.aborted) resolvePromise('interrupted');
          context.signal.addEventListener('abort', () => resolvePromise('interrupted'), {once: true});
        });
        const ended = await Promise.race([interrupted, lost, opened.tunnel.closed.then(() => 'closed' as const)]);
        if (ended === 'interrupted') return EXIT.ok;
        if (ended === 'closed' && handle.ownChannelId !== undefined) {
          // The server stopped the tunnel on its own (DELETE_TUNNEL): like netunnel-client, the command ends.
          context.io.stderr.write(`${PROGRAM}: Tunnel ${opened.tunnelId} was closed by the server\n`);
          return EXIT.ok;
        }
        context.io.stderr.write(`${PROGRAM}: ${oneLine(ended === 'closed' ? await lost : ended)}\n`);
        return EXIT.failure;
      },
      logger,
    );
  },

  close: (context) => {
    const channelId = id(context, 'CHANNEL', context.args[0]!);
    const tunnelId = id(context, 'TUNNEL', context.args[1]!);
    const force = !booleanOption(context.values, 'graceful');
    return withOneServer(context, async (handle) => {
      await commands.closeTunnel(handle, {channelId, tunnelId, force});
      return done(context, `Closed tunnel ${tunnelId} of channel ${channelId}`, {server_url: handle.target.url, channel_id: channelId, tunnel_id: tunnelId, force});
    });
  },

  disconnect: (context) => {
    const channelId = id(context, 'CHANNEL', context.args[0]!);
    return withOneServer(context, async (handle) => {
      await commands.disconnectChannel(handle, channelId);
      return done(context, `Disconnected channel ${channelId}`, {server_url: handle.target.url, channel_id: channelId});
    });
  },

  'peer add': (context) => {
    const peerName = name(context, 'NAME', context.args[0]!);
    const peerUrl = url(context, 'URL', context.args[1]!);
    const authData = jsonObject(context, 'peer-auth-data');
    return withOneServer(context, async (handle) => {
      const peer = await commands.addPeer(handle, {name: peerName, url: peerUrl, ...(authData === undefined ? {} : {authData})});
      return done(context, `Added peer ${peer.id} ${quoted(peer.name)} (${peer.target_netunnel_url})`, {server_url: handle.target.url, ...peer});
    });
  },

  'peer rename': (context) => {
    const newName = name(context, 'NEW_NAME', context.args[1]!);
    return withOneServer(context, async (handle) => {
      const peer = await commands.findPeer(handle, context.args[0]!);
      const renamed = await commands.renamePeer(handle, peer.id, newName);
      return done(context, `Renamed peer ${peer.id} ${quoted(peer.name)} to ${quoted(renamed.name)}`, {server_url: handle.target.url, ...renamed});
    });
  },

  'peer rm': (context) =>
    withOneServer(context, async (handle) => {
      const peer = await commands.findPeer(handle, context.args[0]!);
      await commands.removePeer(handle, peer.id);
      return done(context, `Removed peer ${peer.id} ${quoted(peer.name)}`, {server_url: handle.target.url, ...peer});
    }),

  'static add': (context) => {
    const remotePort = port(context, 'REMOTE_PORT', context.args[1]!);
    const remoteAddress = address(context, 'remote-address', '127.0.0.1');
    const localAddress = stringOption(context.values, 'local-address') === undefined ? undefined : address(context, 'local-address', '');
    return withOneServer(context, async (handle) => {
      const peer = await commands.findPeer(handle, context.args[0]!);
      const created = await commands.addStaticTunnel(handle, peer.id, {remotePort, remoteAddress, ...(localAddress === undefined ? {} : {localAddress})});
      const local = `${created.tunnel_local_address}:${created.tunnel_local_port}`;
      const remote = `${created.tunnel_remote_address}:${created.tunnel_remote_port}`;
      return done(context, `Added static tunnel ${created.id} to peer ${quoted(peer.name)}: ${local} -> ${remote}`, {
        server_url: handle.target.url,
        peer_id: peer.id,
        ...created,
      });
    });
  },

  'static rm': (context) => {
    const staticId = id(context, 'ID', context.args[1]!);
    return withOneServer(context, async (handle) => {
      const peer = await commands.findPeer(handle, context.args[0]!);
      await commands.removeStaticTunnel(handle, peer.id, staticId);
      return done(context, `Removed static tunnel ${staticId} of peer ${quoted(peer.name)}`, {server_url: handle.target.url, peer_id: peer.id, id: staticId});
    });
  },

  'proxy get': (context) =>
    withOneServer(context, async (handle) => {
      const proxy = await commands.getProxy(handle);
      return done(context, views.proxyText(proxy), views.proxyJson(handle.target.url, proxy));
    }),

  'proxy set': (context) => {
    const proxyUrl = url(context, 'URL', context.args[0]!);
    const username = stringOption(context.values, 'username');
    const password = stringOption(context.values, 'password');
    if ((username === undefined) !== (password === undefined)) throw usage(context, '--username and --password go together');
    const testUrl = stringOption(context.values, 'test-url');
    if (testUrl !== undefined) url(context, '--test-url', testUrl);
    return withOneServer(context, async (handle) => {
      const proxy = await commands.setProxy(handle, {
        url: proxyUrl,
        ...(username === undefined ? {} : {username, password: password!}),
        ...(testUrl === undefined ? {} : {testUrl}),
        check: !booleanOption(context.values, 'no-check'),
      });
      return done(context, `Proxy set: ${views.proxyText(proxy)}`, views.proxyJson(handle.target.url, proxy));
    });
  },

  'proxy clear': (context) =>
    withOneServer(context, async (handle) => {
      const proxy = await commands.clearProxy(handle);
      return done(context, 'Proxy cleared', views.proxyJson(handle.target.url, proxy));
    }),

  'factory-reset': (context) => {
    if (!booleanOption(context.values, 'yes')) {
      throw usage(context, "factory-reset erases the server's peers, static tunnels and proxy: add --yes to do it");
    }
    const disconnectClients = booleanOption(context.values, 'disconnect-clients');
    return withOneServer(context, async (handle) => {
      await commands.factoryReset(handle, {disconnectClients});
      const text = `Factory reset of ${handle.target.url} done${disconnectClients ? ', every client disconnected' : ''}`;
      return done(context, text, {server_url: handle.target.url, disconnect_clients: disconnectClients});
    });
  },

  watch: async (context) => {
    const noStats = booleanOption(context.values, 'no-stats');
    const targets = await selectTargets(context);
    const handles = targets.map((target) => openHandle(context, target));
    const subscriptions: EventSubscription[] = [];
    try {
      let ended = 0;
      let failedAll: () => void = () => {};
      const allEnded = new Promise<void>((resolvePromise) => (failedAll = resolvePromise));
      const prefix = (handle: ServerHandle) => (targets.length > 1 ? `${handle.target.name}: ` : '');
      // Every server is checked (and subscribed) before the first line is printed.
      const buffered: Array<{url: string; event: ServerEvent}> = [];
      let started = false;
      const print = (url: string, event: ServerEvent) => {
        if (noStats && event.type === 'stats') return;
        context.output.jsonLine({server_url: url, ...event});
      };
      const subscribed = await Promise.allSettled(
        handles.map((handle) => {
          let lost = false;
          let finished = false;
          return commands.watchEvents(
            handle,
            (event) => {
              if (started) print(handle.target.url, event);
              else buffered.push({url: handle.target.url, event});
            },
            (state, detail) => {
              if (state === 'open') lost = false;
              if (state === 'reconnecting' && !lost) {
                lost = true;
                context.io.stderr.write(`${PROGRAM}: ${prefix(handle)}${oneLine(detail ?? 'The event stream was lost')}; reconnecting\n`);
              }
              if (state === 'closed' && detail !== undefined && !finished) {
                finished = true;
                context.io.stderr.write(`${PROGRAM}: ${prefix(handle)}${oneLine(detail)}\n`);
                ended += 1;
                if (ended === handles.length) failedAll();
              }
            },
          );
        }),
      );
      for (const result of subscribed) if (result.status === 'fulfilled') subscriptions.push(result.value);
      const failure = subscribed.find((result) => result.status === 'rejected');
      if (failure) throw (failure as PromiseRejectedResult).reason;
      started = true;
      for (const {url, event} of buffered.splice(0)) print(url, event);
      const interrupted = new Promise<void>((resolvePromise) => {
        if (context.signal.aborted) resolvePromise();
        context.signal.addEventListener('abort', () => resolvePromise(), {once: true});
      });
      const how = await Promise.race([interrupted.then(() => 'interrupted' as const), allEnded.then(() => 'ended' as const)]);
      return how === 'interrupted' ? EXIT.ok : EXIT.failure;
    } finally {
      for (const subscription of subscriptions) subscription.close();
      await Promise.allSettled(handles.map((handle) => handle.close()));
    }
  },

  'servers list': async (context) => {
    const servers = commands.listSavedServers(await context.settings());
    if (context.output.json) context.output.document(servers.map(views.savedServerJson));
    else {
      const {columns, rows} = views.savedServerListing(servers);
      context.output.table(columns, rows);
    }
    return EXIT.ok;
  },

  'servers add': async (context) => {
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
    const saved = commands.addSavedServer(await context.settings(), {
      url: serverUrl,
      ...(serverName === undefined ? {} : {name: serverName}),
      ...(authPlugin === undefined ? {} : {authPlugin}),
      ...(authData === undefined ? {} : {authData}),
      ...(flags.proxy === undefined ? {} : {proxy: flags.proxy}),
      ...(flags.noSslValidate ? {sslValidate: false} : {}),
      ...(tlsFiles.caFile === undefined ? {} : {caFile: tlsFiles.caFile}),
      ...(tlsFiles.certFile === undefined || tlsFiles.keyFile === undefined ? {} : {tlsCert: tlsFiles.certFile, tlsKey: tlsFiles.keyFile}),
    });
    return done(context, `Saved server ${quoted(saved.name)} (${saved.url})`, views.savedServerJson(saved));
  },

  'servers rm': async (context) => {
    const removed = commands.removeSavedServer(await context.settings(), context.args[0]!);
    return done(context, `Removed saved server ${quoted(removed.name)}`, views.savedServerJson(removed));
  },
};
