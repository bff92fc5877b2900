/**
 * One server as the console's commands see it: its API (REST and events) and the console's
 * own channel, on which the console opens tunnels of its own (the engine runs in this
 * process). The channel is created on the first tunnel, so a console that only watches
 * never shows up in the server's channel list.
 *
 * When that channel is lost (the server went away, restarted, or dropped it), its tunnels are
 * remembered and opened again, on a new channel, on the same ports: retried with backoff, at
 * once when the live connection sees the server back (serverReachable). Until then they are
 * `reopening`; tearing one down there (forgetReopening) gives it up.
 */
import {EventEmitter} from 'node:events';
import type {ClientAuth} from '../auth/contract.js';
import {NetunnelClient} from '../client/netunnel-client.js';
import type {ClientTunnel} from '../client/client-tunnel.js';
import type {ClientTlsOptions, TransportOptions} from '../client/server-transport.js';
import type {ProxySettings} from '../protocol/proxy-settings.js';
import type {Logger} from '../engine/logger.js';
import type {ManagementApi} from '../client/management-api.js';
import {RetryBackoff} from '../engine/retry-backoff.js';
import {messageOf} from '../protocol/errors.js';
import type {ServerInfo} from '../protocol/management.js';
import type {SocketAddress} from '../protocol/socket-address.js';

/** How to reach one server. */
export interface ServerTarget {
  /** What the console calls it (a saved server's name, or the URL's host:port). */
  name: string;
  url: string;
  auth?: ClientAuth;
  proxy?: ProxySettings;
  /** False: do not check the server's TLS certificate. */
  sslValidate?: boolean;
  /** A private CA to trust, a client certificate (read from the files named by flags or saved settings). */
  tls?: ClientTlsOptions;
  /** Why the console cannot use it (a saved server whose auth plugin cannot load): its tab says so, nothing connects. */
  unusable?: string;
}

/** How the client library reaches a target (its REST API, events, and the console's own channel). */
export function transportOptionsOf(target: ServerTarget): TransportOptions {
  return {serverUrl: target.url, auth: target.auth, proxy: target.proxy, sslValidate: target.sslValidate, tls: target.tls};
}

/** One of the console's own tunnels lost with its channel, to be opened again as it was. */
export interface ReopeningTunnel {
  /** Unique on this handle (the Tunnels pane's row key). */
  key: string;
  /** Its ids on the lost channel (shown until it is open again, under new ids). */
  channelId: number;
  tunnelId: number;
  direction: 'forward' | 'reverse';
  /** Forward: the port here; reverse: the port on the server. Both are asked for again. */
  entrance: SocketAddress;
  exit: SocketAddress;
  createdAt: string;
  /** Why the last attempt failed, or null before the first. */
  lastError: string | null;
}

/** Pauses between attempts to reopen lost tunnels while the server cannot be reached. */
const REOPEN_RETRY = {minMs: 500, maxMs: 15_000, jitter: 0.2} as const;

export interface ServerHandleEvents {
  /** The console's own tunnels changed (one opened, closed, lost or reopened). */
  ownTunnels: [];
  /** The console's channel was lost (the server went away or disconnected it); its tunnels stopped and wait to be reopened. */
  ownChannelLost: [string];
  /** Lost tunnels opened again (how many), and why the others could not be yet. */
  ownTunnelsReopened: [number, string[]];
  /** A command changed something on the server (a live view without events refreshes). */
  changed: [];
}

export interface ServerHandleOptions {
  /** The server's API (a ManagementClient, or a test's). */
  api: ManagementApi;
  logger?: Logger;
  /** Builds the NetunnelClient of the console's own channel (default: a plain one). */
  createClient?: (target: ServerTarget) => NetunnelClient;
}

export class ServerHandle extends EventEmitter<ServerHandleEvents> {
  readonly api: ManagementApi;
  private client: NetunnelClient | undefined;
  private connecting: Promise<NetunnelClient> | undefined;
  private info: Promise<ServerInfo | null> | undefined;
  private closed = false;
  private readonly createClient: (target: ServerTarget) => NetunnelClient;
  private lost: ReopeningTunnel[] = [];
  private lostCount = 0;
  private reopenTimer: NodeJS.Timeout | undefined;
  private reopenRun: Promise<void> | undefined;
  private readonly reopenBackoff = new RetryBackoff(REOPEN_RETRY);

  constructor(
    readonly target: ServerTarget,
    options: ServerHandleOptions,
  ) {
    super();
    this.api = options.api;
    this.createClient =
      options.createClient ??
      ((server) => new NetunnelClient({...transportOptionsOf(server), logger: options.logger}));
  }

  /**
   * What `/server-info` says, asked once and remembered (null: no management API). A failure
   * to reach the server is not remembered: the next call asks again.
   */
  serverInfo(refresh = false): Promise<ServerInfo | null> {
    if (refresh || !this.info) {
      const asked = this.api.server.info();
      this.info = asked;
      asked.catch(() => {
        if (this.info === asked) this.info = undefined;
      });
    }
    return this.info;
  }

  /** Tells the handle what `/server-info` said (the live connection learns it from its snapshot). */
  setServerInfo(info: ServerInfo | null): void {
    this.info = Promise.resolve(info);
  }

  /** The id of the console's own channel, while it is open. */
  get ownChannelId(): number | undefined {
    return this.client?.connected ? this.client.channelId : undefined;
  }

  /** The console's own tunnels on this server, open ones only. */
  get ownTunnels(): ClientTunnel[] {
    return this.client?.tunnels ?? [];
  }

  /** The console's own tunnels lost with their channel, waiting to be opened again. */
  get reopening(): readonly ReopeningTunnel[] {
    return this.lost;
  }

  /** The console's channel, connected on first use (and again after it was lost). */
  async ownClient(): Promise<NetunnelClient> {
    if (this.closed) throw new Error('The console is closing');
    if (this.target.unusable !== undefined) throw new Error(this.target.unusable);
    if (this.client?.connected) return this.client;
    this.connecting ??= (async () => {
      const client = this.createClient(this.target);
      try {
        await client.connect();
      } catch (error) {
        await client.close().catch(() => {});
        throw error;
      }
      client.once('disconnected', (reason) => {
        // The client still lists its tunnels here (it clears them after telling).
        this.remember(client.channelId, client.tunnels);
        if (this.client === client) this.client = undefined;
        this.emit('ownChannelLost', reason);
        this.emit('ownTunnels');
        void client.close().catch(() => {});
        this.scheduleReopen(this.reopenBackoff.next());
      });
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Called by the commands: an own tunnel was opened (it reports again when it stops). */
  trackOwnTunnel(tunnel: ClientTunnel): void {
    this.emit('ownTunnels');
    void tunnel.closed.then(() => this.emit('ownTunnels'));
  }

  /** The live connection sees the server answer again: lost tunnels are reopened now. */
  serverReachable(): void {
    if (this.lost.length === 0 || this.closed || this.reopenRun) return;
    this.scheduleReopen(0);
  }

  /** Gives up reopening one lost tunnel (torn down while it waited). */
  forgetReopening(key: string): void {
    const before = this.lost.length;
    this.lost = this.lost.filter((tunnel) => tunnel.key !== key);
    if (this.lost.length === before) return;
    if (this.lost.length === 0) clearTimeout(this.reopenTimer);
    this.emit('ownTunnels');
  }

  private remember(channelId: number, tunnels: readonly ClientTunnel[]): void {
    for (const tunnel of tunnels) {
      this.lostCount += 1;
      this.lost.push({
        key: `reopen-${this.lostCount}`,
        channelId,
        tunnelId: tunnel.id,
        direction: tunnel.direction,
        entrance: tunnel.entrance,
        exit: tunnel.exit,
        createdAt: tunnel.createdAt.toISOString(),
        lastError: null,
      });
    }
  }

  private scheduleReopen(delayMs: number): void {
    if (this.lost.length === 0 || this.closed) return;
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      this.reopenRun ??= this.reopen().finally(() => {
        this.reopenRun = undefined;
      });
    }, delayMs);
    this.reopenTimer.unref?.();
  }

  /** One attempt at every lost tunnel: a new channel, each tunnel on its old port. */
  private async reopen(): Promise<void> {
    const failures: string[] = [];
    let reopened = 0;
    try {
      const client = await this.ownClient();
      for (const lost of [...this.lost]) {
        if (this.closed) return;
        try {
          const tunnel =
            lost.direction === 'forward'
              ? await client.openTunnelToServer({exitAddress: lost.exit.address, exitPort: lost.exit.port, localAddress: lost.entrance.address, localPort: lost.entrance.port})
              : await client.openTunnelToClient({exitAddress: lost.exit.address, exitPort: lost.exit.port, entranceAddress: lost.entrance.address, entrancePort: lost.entrance.port});
          this.lost = this.lost.filter((candidate) => candidate !== lost);
          reopened += 1;
          this.trackOwnTunnel(tunnel);
        } catch (error) {
          lost.lastError = messageOf(error);
          failures.push(`${lost.entrance.address}:${lost.entrance.port}: ${lost.lastError}`);
        }
      }
    } catch (error) {
      if (this.closed) return;
      for (const lost of this.lost) lost.lastError = messageOf(error);
      failures.push(messageOf(error));
    }
    if (this.closed) return;
    if (this.lost.length === 0) this.reopenBackoff.reset();
    else this.scheduleReopen(this.reopenBackoff.next());
    this.emit('ownTunnels');
    if (reopened > 0 || this.lost.length > 0) this.emit('ownTunnelsReopened', reopened, failures);
  }

  /** Called by the commands after a change on the server. */
  changed(): void {
    this.emit('changed');
  }

  /** Closes the console's own tunnels (cleanly: the server is told) and its channel. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reopenTimer);
    this.lost = [];
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (client) {
      const tunnels = client.tunnels;
      // Each tunnel is deleted on the server first, so that no half is left behind even if
      // the channel's close is not seen at once.
      await Promise.allSettled(tunnels.map((tunnel) => client.closeTunnel(tunnel.id, {force: true})));
      await client.close().catch(() => {});
    }
    this.api.close();
    this.removeAllListeners();
  }
}
