/**
 * The server's configuration (PROTOCOL.md 4.4): 1.0.12's defaults, replaced key by key by
 * NETUNNEL_<KEY> environment variables, then by the keys of the config file; kept in memory
 * and, unless the server is stateless, saved to that file after every change.
 *
 * Why it looks the way it does:
 * - A file we cannot understand is refused with one line naming it, and never overwritten:
 *   it may hold peers and a secret key that someone needs back.
 * - Changes go through update(): each one works on a copy, is validated, written atomically,
 *   and only then becomes the current config. Updates run one at a time (a promise queue),
 *   so two requests changing peers at once cannot lose each other's change or interleave
 *   their writes.
 * - get() hands out a frozen snapshot: nobody can change the config without saving it.
 */
import {AsyncLocalStorage} from 'node:async_hooks';
import {readFile} from 'node:fs/promises';
import {resolve} from 'node:path';
import {messageOf} from '../../protocol/errors.js';
import {ConfigError} from '../server-errors.js';
import {removeStaleTemporaryFiles, writeFileAtomic} from './atomic-file.js';
import {DEFAULT_KEYS, checkConfig, defaultConfig, type NetunnelConfig} from './config-schema.js';
import {pythonJsonDumps} from './python-json.js';

export type {HttpProxyConfig, NetunnelConfig, PeerConfig, StaticTunnelConfig} from './config-schema.js';

export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? {readonly [K in keyof T]: DeepReadonly<T[K]>}
    : T;

/** What get() returns: the current config, frozen. */
export type ConfigSnapshot = DeepReadonly<NetunnelConfig>;

export interface ConfigStoreOptions {
  /** The config file (`--config-path`). Without one the store is stateless: memory only. */
  path?: string;
  /** Where NETUNNEL_<KEY> variables are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Told about stale temporary files of interrupted writes, removed at open. */
  onStaleFilesRemoved?: (paths: string[]) => void;
}

const ENV_PREFIX = 'NETUNNEL_';
/** A new config file may soon hold the secret key: readable by its owner only. */
const NEW_FILE_MODE = 0o600;

/**
 * Marks the update whose mutator is running, to catch an update() called from inside it. Node 20
 * implements AsyncLocalStorage with async hooks, a tax on every promise and socket of the process
 * while an instance is enabled: it is enabled only while some mutator runs (mutatorsRunning).
 */
const runningUpdate = new AsyncLocalStorage<symbol>();
let mutatorsRunning = 0;

export class ConfigStore {
  /** Absolute path of the config file, or undefined when stateless. */
  readonly path: string | undefined;
  readonly stateless: boolean;
  private current: ConfigSnapshot;
  /** Defaults with the environment applied: what a factory reset goes back to. */
  private readonly initial: NetunnelConfig;
  private queue: Promise<unknown> = Promise.resolve();
  private activeUpdate: symbol | undefined;

  private constructor(path: string | undefined, initial: NetunnelConfig, current: NetunnelConfig) {
    this.path = path;
    this.stateless = path === undefined;
    this.initial = initial;
    this.current = deepFreeze(current);
  }

  /**
   * Builds the config: defaults, then NETUNNEL_<KEY> variables, then the file's keys (a
   * top-level merge, as 1.0.12's dict.update). A missing file is created; an existing file is
   * rewritten only when the merge added or dropped something (like a new default key).
   */
  static async open(options: ConfigStoreOptions = {}): Promise<ConfigStore> {
    const initial = configFromEnvironment(options.env ?? process.env);
    if (options.path === undefined) return new ConfigStore(undefined, initial, structuredClone(initial));

    const path = resolve(options.path);
    const removed = await removeStaleTemporaryFiles(path);
    if (removed.length > 0) options.onStaleFilesRemoved?.(removed);
    const text = await readConfigFile(path);
    if (text === undefined) {
      await writeConfigFile(path, initial);
      return new ConfigStore(path, initial, structuredClone(initial));
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`Config file ${path} is not valid JSON: ${oneLine(messageOf(error))}`, {cause: error});
    }
    const merged = isPlainObject(parsed) ? {...structuredClone(initial), ...parsed} : parsed;
    const check = checkConfig(merged);
    if (!check.ok) throw new ConfigError(`Config file ${path}: ${check.problem}`);
    if (pythonJsonDumps(check.config) !== pythonJsonDumps(parsed)) await writeConfigFile(path, check.config);
    return new ConfigStore(path, initial, check.config);
  }

  /** The current config, frozen (change it through update()). */
  get(): ConfigSnapshot {
    return this.current;
  }

  /** A fresh copy of the defaults with the NETUNNEL_<KEY> variables applied (for a factory reset). */
  defaults(): NetunnelConfig {
    return structuredClone(this.initial);
  }

  /**
   * Applies `mutator` to a copy of the config, validates the result, saves it, and only then
   * makes it current; resolves with what the mutator returned. If the mutator throws, the
   * result is invalid, or the file cannot be written, nothing changes and the promise rejects.
   * Updates run one after the other, in call order. Keys a peer or static tunnel does not
   * declare are dropped, so that the file stays readable by 1.0.12.
   *
   * Do not await another update() inside a mutator: it would wait for its own caller.
   */
  update<T>(mutator: (config: NetunnelConfig) => T | Promise<T>): Promise<T> {
    const outer = runningUpdate.getStore();
    if (outer !== undefined && outer === this.activeUpdate) {
      return Promise.reject(new ConfigError('ConfigStore.update() was called from inside an update: it would wait for itself'));
    }
    return this.enqueue(async () => {
      const token = Symbol('update');
      const draft = structuredClone(this.current) as NetunnelConfig;
      this.activeUpdate = token;
      mutatorsRunning += 1;
      let result: T;
      try {
        result = await runningUpdate.run(token, () => mutator(draft));
      } finally {
        this.activeUpdate = undefined;
        mutatorsRunning -= 1;
        if (mutatorsRunning === 0) runningUpdate.disable();
      }
      await this.commit(draft);
      return result;
    });
  }

  /** Resolves once every update asked for so far is saved (or has failed). */
  async flush(): Promise<void> {
    await this.queue;
  }

  /** Replaces the whole config (a factory reset: `store.replace(store.defaults())`). */
  replace(config: NetunnelConfig): Promise<void> {
    const copy = structuredClone(config);
    return this.enqueue(() => this.commit(copy));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    // The queue only orders the tasks; each caller gets its own task's outcome.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commit(candidate: unknown): Promise<void> {
    const check = checkConfig(candidate);
    if (!check.ok) throw new ConfigError(`Config change refused: ${check.problem}`);
    if (this.path !== undefined) await writeConfigFile(this.path, check.config);
    this.current = deepFreeze(check.config);
  }
}

/** 1.0.12's get_default_config(): NETUNNEL_<KEY> (JSON) replaces the default of <key>. */
function configFromEnvironment(env: NodeJS.ProcessEnv): NetunnelConfig {
  const config: Record<string, unknown> = defaultConfig();
  for (const key of DEFAULT_KEYS) {
    const name = ENV_PREFIX + key.toUpperCase();
    const text = env[name];
    if (text === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`Environment variable ${name} is not valid JSON: ${oneLine(messageOf(error))}`, {cause: error});
    }
    // Checked one variable at a time so that the message names the one at fault.
    const check = checkConfig({...defaultConfig(), [key]: value});
    if (!check.ok) throw new ConfigError(`Environment variable ${name}: ${check.problem}`);
    config[key] = value;
  }
  const check = checkConfig(config);
  if (!check.ok) throw new ConfigError(`Environment variables: ${check.problem}`);
  return check.config;
}

/** The file's text, or undefined when there is no file yet. */
async function readConfigFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`Config file ${path} cannot be read: ${oneLine(messageOf(error))}`, {cause: error});
  }
}

async function writeConfigFile(path: string, config: NetunnelConfig): Promise<void> {
  try {
    await writeFileAtomic(path, pythonJsonDumps(config), {mode: NEW_FILE_MODE});
  } catch (error) {
    throw new ConfigError(`Config file ${path} cannot be written: ${oneLine(messageOf(error))}`, {cause: error});
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}
