/**
 * Every open tunnelled connection of the server, under a server-wide id, for the management
 * API: built on the engine's records (engine/connection-record.ts) and the opened / closed
 * events of each tunnel's connections, so the byte path does no work for it. Rates are
 * computed from the records' counters by a sampling tick (the stats interval, 1 s by default),
 * which runs only while connections are open.
 */
import {EventEmitter} from 'node:events';
import type {ConnectionRecord} from '../../engine/connection-record.js';
import type {TunnelConnections} from '../../engine/tunnel-connections.js';
import {ServerError} from '../server-errors.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';

export interface TrackedConnection {
  /** Server-wide, counting up from 1, never reused. */
  readonly id: number;
  readonly channelId: number;
  readonly tunnelId: number;
  readonly record: ConnectionRecord;
  /** Bytes per second each way over the last sampling interval. */
  rateSent: number;
  rateReceived: number;
  /** The counters when the rates were last computed. */
  sampledSent: number;
  sampledReceived: number;
}

interface ConnectionRegistryEvents {
  opened: [TrackedConnection];
  closed: [TrackedConnection];
}

export class ConnectionRegistry extends EventEmitter<ConnectionRegistryEvents> {
  private readonly byId = new Map<number, TrackedConnection>();
  private readonly byRecord = new Map<ConnectionRecord, TrackedConnection>();
  private nextId = 1;
  private sampledAt = Date.now();
  private sampler: NodeJS.Timeout | undefined;

  constructor(private readonly sampleIntervalMs = 1000) {
    super();
  }

  /** Watches every tunnel of every channel `channels` creates from now on. */
  watchChannels(channels: ChannelRegistry): void {
    channels.on('channelCreated', (channel) => channel.on('tunnelCreated', (tunnel) => this.watch(channel.id, tunnel.id, tunnel.connections)));
  }

  /** Tracks the connections of one tunnel side, as they open. */
  watch(channelId: number, tunnelId: number, connections: TunnelConnections): void {
    connections.on('opened', (record) => {
      const tracked: TrackedConnection = {
        id: this.nextId++,
        channelId,
        tunnelId,
        record,
        rateSent: 0,
        rateReceived: 0,
        sampledSent: record.bytesToExit,
        sampledReceived: record.bytesToEntrance,
      };
      this.byId.set(tracked.id, tracked);
      this.byRecord.set(record, tracked);
      this.startSampling();
      this.emit('opened', tracked);
    });
    connections.on('closed', (record) => {
      const tracked = this.byRecord.get(record);
      if (!tracked) return;
      this.byRecord.delete(record);
      this.byId.delete(tracked.id);
      this.emit('closed', tracked);
    });
  }

  get size(): number {
    return this.byId.size;
  }

  get(connectionId: number): TrackedConnection {
    const tracked = this.byId.get(connectionId);
    if (!tracked) throw new ServerError('NETUNNEL_ERR_UNKNOWN_CONNECTION', `Connection \`${connectionId}\` was not found`);
    return tracked;
  }

  /** The open connections, oldest first; of one channel, or one of its tunnels. */
  list(filter: {channelId?: number | undefined; tunnelId?: number | undefined} = {}): TrackedConnection[] {
    const all = [...this.byId.values()];
    if (filter.channelId === undefined) return all;
    return all.filter(
      (tracked) => tracked.channelId === filter.channelId && (filter.tunnelId === undefined || tracked.tunnelId === filter.tunnelId),
    );
  }

  /** Stops the sampling tick (the server is closing). */
  close(): void {
    this.stopSampling();
  }

  /**
   * The tick stops at its first turn without a connection, not at each close: connections that
   * come one after the other would otherwise make and clear a timer each.
   */
  private startSampling(): void {
    if (this.sampler) return;
    this.sampledAt = Date.now();
    this.sampler = setInterval(() => {
      if (this.byId.size === 0) this.stopSampling();
      else this.sample();
    }, this.sampleIntervalMs);
    this.sampler.unref();
  }

  private stopSampling(): void {
    clearInterval(this.sampler);
    this.sampler = undefined;
  }

  /** Computes every open connection's rates over the time since the previous sample. */
  sample(now = Date.now()): void {
    const seconds = Math.max(now - this.sampledAt, 1) / 1000;
    this.sampledAt = now;
    for (const tracked of this.byId.values()) {
      const {bytesToExit, bytesToEntrance} = tracked.record;
      tracked.rateSent = Math.round((bytesToExit - tracked.sampledSent) / seconds);
      tracked.rateReceived = Math.round((bytesToEntrance - tracked.sampledReceived) / seconds);
      tracked.sampledSent = bytesToExit;
      tracked.sampledReceived = bytesToEntrance;
    }
  }
}
