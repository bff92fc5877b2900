/**
 * What a server remembers (PROTOCOL.md 4, 5): the config store, the secret key, and the peers
 * with their static tunnels. Opened by NetunnelServer.start() before it listens; stateless
 * (memory only) without a config path.
 */
import type {ServerAuth} from '../../auth/contract.js';
import type {ClientTlsOptions} from '../../client/server-transport.js';
import type {ProxySettings} from '../../protocol/proxy-settings.js';
import type {Logger} from '../../engine/logger.js';
import {ConfigStore} from './config-store.js';
import {proxyToUse} from './global-proxy.js';
import type {PortRange} from '../peers/local-ports.js';
import {PeerRegistry} from '../peers/peer-registry.js';
import {resolveSecretKey, type SecretKeyChoice} from './secret-key.js';
import type {StaticTunnelTiming} from '../peers/static-tunnel.js';

export interface ServerStateOptions {
  configPath: string | undefined;
  /** `--secret-key`: used, never saved. */
  secretKey: string | undefined;
  /** Where NETUNNEL_<KEY> and NETUNNEL_SECRET_KEY are read. */
  env: NodeJS.ProcessEnv;
  auth: ServerAuth;
  logger: Logger;
  timing: StaticTunnelTiming;
  /** Toward https peers (a private CA, a client certificate). */
  peerTls: ClientTlsOptions | undefined;
  portRange: PortRange;
  /** Where static tunnels may listen (an override, or the config's allowed_tunnel_entrances). */
  allowedEntrances(): readonly string[];
}

export class ServerState {
  readonly peers: PeerRegistry;
  private key: SecretKeyChoice;

  private constructor(
    readonly store: ConfigStore,
    key: SecretKeyChoice,
    private readonly options: ServerStateOptions,
  ) {
    this.key = key;
    this.peers = new PeerRegistry({
      store,
      auth: options.auth,
      logger: options.logger,
      timing: options.timing,
      peerTls: options.peerTls,
      portRange: options.portRange,
      proxy: () => this.proxy(),
      allowedEntrances: options.allowedEntrances,
    });
  }

  /** Reads (or creates) the config and chooses the secret key; throws ConfigError / SecretKeyError. */
  static async open(options: ServerStateOptions): Promise<ServerState> {
    const store = await ConfigStore.open({
      path: options.configPath,
      env: options.env,
      onStaleFilesRemoved: (paths) => options.logger.info(`Removed ${paths.length} temporary file(s) of interrupted config writes: ${paths.join(', ')}`),
    });
    const key = await chooseKey(store, options);
    return new ServerState(store, key, options);
  }

  get secretKey(): string {
    return this.key.key;
  }

  /** True when the key in use was generated (and, unless stateless, saved) by this server. */
  get secretKeyGenerated(): boolean {
    return this.key.generated;
  }

  /** The global proxy with its credentials decrypted, or undefined. */
  proxy(): ProxySettings | undefined {
    return proxyToUse(this.store.get().http_proxy, this.key.key);
  }

  /** Starts the static tunnels of the config (without waiting for any peer). */
  start(): void {
    this.peers.loadFromConfig();
  }

  /**
   * Back to the defaults: static tunnels stop, the config is replaced, and the secret key is
   * chosen again (a new one is generated unless it comes from --secret-key or the environment).
   * Run inside peers.exclusive().
   */
  async reset(): Promise<void> {
    await this.peers.stopAll();
    await this.store.replace(this.store.defaults());
    this.key = await chooseKey(this.store, this.options);
  }

  async close(): Promise<void> {
    await this.peers.stopAll();
  }
}

async function chooseKey(store: ConfigStore, options: ServerStateOptions): Promise<SecretKeyChoice> {
  const choice = await resolveSecretKey({store, option: options.secretKey, env: options.env});
  if (choice.generated) options.logger.info('Generating default secret-key');
  return choice;
}
