/**
 * The `/events` stream: each subscriber first gets a full snapshot, then every change as it
 * happens and, once per stats interval (1 s by default), what moved: the connections that
 * opened and closed (connection-batch.ts) and a `stats` frame (stats-frame.ts). Refusals go
 * out as they happen, within a budget per interval (refusal-budget.ts).
 *
 * Each event is serialized once for all subscribers. A subscriber that does not read (its
 * websocket's buffered bytes pass a limit) is dropped, so it can neither slow the server nor
 * grow its memory; and no frame grows with the rate of connections (the batch and the stats
 * list a bounded number and count the rest).
 */
import WebSocket from 'ws';
import type {ServerEvent} from '../../protocol/server-events.js';
import type {ServerInfo} from '../../protocol/management.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import type {ServerChannel} from '../channels/server-channel.js';
import type {PeerSource} from '../peers/peer-source.js';
import {ConnectionBatch} from './connection-batch.js';
import type {ConnectionRegistry} from './connection-registry.js';
import {connectionInfo} from './connection-views.js';
import {allTunnels, channelInfo, tunnelInfo} from './management-views.js';
import {RefusalBudget} from './refusal-budget.js';
import type {RefusalEvents} from './refusal-events.js';
import {StatsFrames} from './stats-frame.js';

export interface EventHubOptions {
  statsIntervalMs?: number;
  /** Bytes a subscriber may leave unread before it is dropped. */
  maxBufferedBytes?: number;
  /** Connections listed per frame (snapshot, connection.opened / closed, stats); the others are counted. */
  maxConnectionsPerFrame?: number;
  /** Refusal events sent per stats interval; the others are counted (events.suppressed). */
  maxRefusalsPerInterval?: number;
}

export interface EventSources {
  channels: ChannelRegistry;
  serverInfo: () => ServerInfo;
  peers: PeerSource | undefined;
  connections: ConnectionRegistry;
  refusals: RefusalEvents;
}

export class EventHub {
  private readonly subscribers = new Set<WebSocket>();
  private timer: NodeJS.Timeout | undefined;
  private readonly statsIntervalMs: number;
  private readonly maxBufferedBytes: number;
  private readonly maxListed: number;
  private readonly batch: ConnectionBatch;
  private readonly stats: StatsFrames;
  private readonly budget: RefusalBudget;

  constructor(
    private readonly sources: EventSources,
    options: EventHubOptions = {},
  ) {
    this.statsIntervalMs = options.statsIntervalMs ?? 1000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.maxListed = options.maxConnectionsPerFrame ?? 500;
    this.batch = new ConnectionBatch(sources.connections, this.maxListed, this.statsIntervalMs);
    this.stats = new StatsFrames(sources.channels, sources.peers, sources.connections, this.maxListed, (tracked) => !this.batch.isPending(tracked));
    this.budget = new RefusalBudget(options.maxRefusalsPerInterval ?? 20);
    const {channels, peers, refusals} = sources;
    channels.on('channelCreated', (channel) => this.watchChannel(channel));
    channels.on('channelClosed', (channel) => {
      this.flushConnections();
      this.broadcast({type: 'channel.closed', channel_id: channel.id});
    });
    peers?.on('peer.added', (peer) => this.broadcast({type: 'peer.added', peer}));
    peers?.on('peer.changed', (peer) => this.broadcast({type: 'peer.changed', peer}));
    peers?.on('peer.removed', (peerId) => this.broadcast({type: 'peer.removed', peer_id: peerId}));
    peers?.on('static_tunnel.status', (peerId, staticTunnel) =>
      this.broadcast({type: 'static_tunnel.status', peer_id: peerId, static_tunnel: staticTunnel}),
    );
    refusals.on('refused', (event) => {
      if (this.subscribers.size > 0 && this.budget.admit(event.type)) this.broadcast(event);
    });
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(websocket: WebSocket): void {
    // Nobody was listening: the batch's closures and due openings are news to no one (the
    // snapshot shows what is open); connections too young to be listed stay for their frame.
    if (this.subscribers.size === 0) this.batch.take();
    this.subscribers.add(websocket);
    websocket.once('close', () => {
      this.subscribers.delete(websocket);
      if (this.subscribers.size === 0) this.stopStats();
    });
    // Subscribers only listen; whatever they send is ignored.
    websocket.on('message', () => {});
    this.send(websocket, JSON.stringify(this.snapshot()));
    this.startStats();
  }

  close(): void {
    this.stopStats();
    for (const websocket of this.subscribers) websocket.close(1001);
    this.subscribers.clear();
  }

  /** Connections still waiting for their `connection.opened` frame are left to it. */
  snapshot(): ServerEvent {
    const channels = this.sources.channels.all();
    const now = Date.now();
    const open = this.sources.connections.list().filter((tracked) => !this.batch.isPending(tracked));
    const listed = open.slice(0, this.maxListed);
    return {
      type: 'snapshot',
      at: new Date(now).toISOString(),
      server: this.sources.serverInfo(),
      channels: channels.map(channelInfo),
      tunnels: allTunnels(channels),
      peers: this.sources.peers?.list() ?? [],
      connections: listed.map((tracked) => connectionInfo(tracked, now)),
      connections_omitted: open.length - listed.length,
    };
  }

  private watchChannel(channel: ServerChannel): void {
    channel.on('connected', () => this.broadcast({type: 'channel.opened', channel: channelInfo(channel)}));
    channel.on('tunnelCreated', (tunnel) => this.broadcast({type: 'tunnel.created', tunnel: tunnelInfo(channel, tunnel)}));
    channel.on('tunnelDraining', (tunnel) =>
      this.broadcast({type: 'tunnel.draining', at: new Date().toISOString(), channel_id: channel.id, tunnel_id: tunnel.id}),
    );
    channel.on('tunnelDeleted', (tunnel) => {
      // What moved since the last tick is sent before the tunnel goes: its connections, its counters.
      this.flushConnections();
      const final = this.subscribers.size > 0 ? this.stats.final(channel, tunnel) : undefined;
      if (final) this.broadcast(final);
      this.broadcast({type: 'tunnel.deleted', channel_id: channel.id, tunnel_id: tunnel.id});
    });
  }

  private flushConnections(): void {
    if (this.subscribers.size === 0) return;
    for (const frame of this.batch.take()) this.broadcast(frame);
  }

  private broadcast(event: ServerEvent): void {
    if (this.subscribers.size === 0) return;
    const text = JSON.stringify(event);
    for (const websocket of this.subscribers) this.send(websocket, text);
  }

  private send(websocket: WebSocket, text: string): void {
    if (websocket.readyState !== WebSocket.OPEN) return;
    if (websocket.bufferedAmount > this.maxBufferedBytes) {
      this.subscribers.delete(websocket);
      websocket.terminate();
      return;
    }
    websocket.send(text);
  }

  private startStats(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.statsIntervalMs);
    this.timer.unref();
  }

  private stopStats(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.subscribers.size === 0) return;
    const now = Date.now();
    for (const frame of this.batch.take(now)) this.broadcast(frame);
    const stats = this.stats.next(now);
    if (stats) this.broadcast(stats);
    const suppressed = this.budget.nextInterval(now);
    if (suppressed) this.broadcast(suppressed);
  }
}
