/**
 * One server as the console's commands see it: its API (REST and events) and the console's
 * own channel, on which the console opens tunnels of its own (the engine runs in this
 * process). The channel is created on the first tunnel, so a console that only watches
 * never shows up in the server's channel list.
 */
import {EventEmitter} from 'node:events';
import type {ClientAuth} from '../auth/contract.js';
import {NetunnelClient} from '../client/netunnel-client.js';
import type {ClientTunnel} from '../client/client-tunnel.js';
import type {ClientTlsOptions, TransportOptions} from '../client/server-transport.js';
import type {ProxySettings} from '../protocol/proxy-settings.js';
import type {Logger} from '../engine/logger.js';
import type {ManagementApi} from '../client/management-api.js';
import type {ServerInfo} from '../protocol/management.js';

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
}

/** How the client library reaches a target (its REST API, events, and the console's own channel). */
export function transportOptionsOf(target: ServerTarget): TransportOptions {
  return {serverUrl: target.url, auth: target.auth, proxy: target.proxy, sslValidate: target.sslValidate, tls: target.tls};
}

export interface ServerHandleEvents {
  /** The console's own tunnels changed (one opened, closed, or the channel dropped). */
  ownTunnels: [];
  /** The console's channel was lost (the server went away or disconnected it); its tunnels stopped. */
  ownChannelLost: [string];
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

  /** The console's channel, connected on first use (and again after it was lost). */
  async ownClient(): Promise<NetunnelClient> {
    if (this.closed) throw new Error('The console is closing');
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
        if (this.client === client) this.client = undefined;
        this.emit('ownChannelLost', reason);
        this.emit('ownTunnels');
        void client.close().catch(() => {});
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

  /** Called by the commands after a change on the server. */
  changed(): void {
    this.emit('changed');
  }

  /** Closes the console's own tunnels (cleanly: the server is told) and its channel. */
  async close(): Promise<void> {
    this.closed = true;
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
