/**
 * Every channel of the server, by id (counting up from 1). A channel whose control websocket
 * never arrives is dropped after a while (1.0.12 keeps it forever).
 */
import {EventEmitter} from 'node:events';
import {DEFAULT_HEARTBEAT_MS} from '../../engine/heartbeat.js';
import type {Logger} from '../../engine/logger.js';
import {ServerError} from '../server-errors.js';
import {ServerChannel, type ServerChannelInfo} from './server-channel.js';

export const UNCONNECTED_CHANNEL_TIMEOUT_MS = 60_000;

export interface ChannelRegistryEvents {
  channelCreated: [ServerChannel];
  channelClosed: [ServerChannel];
  /** Closed because its control websocket did not come in time (before channelClosed). */
  channelExpired: [ServerChannel];
}

export class ChannelRegistry extends EventEmitter<ChannelRegistryEvents> {
  private readonly channels = new Map<number, ServerChannel>();
  private nextId = 1;

  constructor(
    private readonly logger: Logger,
    /** A number, or where to read it when it is only known once the server started. */
    private readonly unconnectedTimeoutMs: number | (() => number) = UNCONNECTED_CHANNEL_TIMEOUT_MS,
    /** The server's heartbeat interval (ms): see ServerChannel. */
    private readonly heartbeatMs = DEFAULT_HEARTBEAT_MS,
  ) {
    super();
  }

  create(info: Omit<ServerChannelInfo, 'id'>): ServerChannel {
    const channel = new ServerChannel({...info, id: this.nextId++}, this.logger, this.heartbeatMs);
    this.channels.set(channel.id, channel);
    const timeoutMs = typeof this.unconnectedTimeoutMs === 'function' ? this.unconnectedTimeoutMs() : this.unconnectedTimeoutMs;
    const expiry = setTimeout(() => {
      if (channel.connectedAt) return;
      this.emit('channelExpired', channel);
      void channel.close();
    }, timeoutMs);
    expiry.unref();
    channel.once('connected', () => clearTimeout(expiry));
    channel.once('closed', () => {
      clearTimeout(expiry);
      this.channels.delete(channel.id);
      this.emit('channelClosed', channel);
    });
    this.emit('channelCreated', channel);
    return channel;
  }

  get(channelId: number): ServerChannel {
    const channel = this.channels.get(channelId);
    if (!channel) throw new ServerError('NETUNNEL_ERR_UNKNOWN_CHANNEL', `Channel \`${channelId}\` was not found`);
    return channel;
  }

  all(): ServerChannel[] {
    return [...this.channels.values()];
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.all().map((channel) => channel.close()));
  }
}
