/**
 * The management API of our server (DESIGN.md), from the outside: typed calls and the live
 * event stream. Against a 1.0.12 server, getServerInfo() answers null and the rest refuse.
 */
import type {ChannelDetails, ChannelInfo, ServerEvent, ServerInfo, TunnelInfo} from '../protocol/management.js';
import {paths} from '../protocol/routes.js';
import {ServerRefusedError} from './client-errors.js';
import {EventSubscription, type SubscriptionOptions, type SubscriptionState} from './event-subscription.js';
import {ServerTransport, type TransportOptions} from './server-transport.js';

export class ManagementClient {
  readonly transport: ServerTransport;
  private readonly subscriptions = new Set<EventSubscription>();

  constructor(options: TransportOptions | ServerTransport) {
    this.transport = options instanceof ServerTransport ? options : new ServerTransport(options);
  }

  get serverUrl(): string {
    return this.transport.serverUrl;
  }

  /** Our server's description, or null when the server has no management API (1.0.12). */
  async getServerInfo(): Promise<ServerInfo | null> {
    try {
      return (await this.transport.request('GET', paths.serverInfo())) as ServerInfo;
    } catch (error) {
      if (error instanceof ServerRefusedError && error.status === 404) return null;
      throw error;
    }
  }

  /** `GET /version` (every server has it). */
  getVersion(): Promise<string> {
    return this.transport.requestText(paths.version());
  }

  async listChannels(): Promise<ChannelInfo[]> {
    return (await this.transport.request('GET', paths.channels())) as ChannelInfo[];
  }

  async getChannel(channelId: number): Promise<ChannelDetails> {
    return (await this.transport.request('GET', paths.channel(channelId))) as ChannelDetails;
  }

  /** Disconnects a client: its channel closes, its tunnels stop, its entrance ports close. */
  async disconnectChannel(channelId: number): Promise<void> {
    await this.transport.request('DELETE', paths.channel(channelId));
  }

  /**
   * Tears down any client's tunnel: the server stops its half and tells the owning client to
   * stop its own (by default cutting open connections).
   */
  async closeTunnel(channelId: number, tunnelId: number, options: {force?: boolean} = {}): Promise<void> {
    await this.transport.request('POST', paths.tunnelClose(channelId, tunnelId), {force: options.force ?? true});
  }

  async listTunnels(): Promise<TunnelInfo[]> {
    return (await this.transport.request('GET', paths.allTunnels())) as TunnelInfo[];
  }

  /** The Prometheus text of `GET /metrics`. */
  getMetrics(): Promise<string> {
    return this.transport.requestText(paths.metrics());
  }

  /** Follows `/events`, reconnecting with backoff; every (re)connection starts with a snapshot. */
  subscribe(
    onEvent: (event: ServerEvent) => void,
    onState?: (state: SubscriptionState, detail?: string) => void,
    options?: SubscriptionOptions,
  ): EventSubscription {
    const subscription = new EventSubscription(this.transport, onEvent, onState, options);
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Ends every subscription made here and the transport's connections. */
  close(): void {
    for (const subscription of this.subscriptions) subscription.close();
    this.subscriptions.clear();
    this.transport.close();
  }
}
