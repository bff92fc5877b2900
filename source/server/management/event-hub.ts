/**
 * The `/events` stream: each subscriber first gets a full snapshot, then every change as it
 * happens and, about once a second, a `stats` frame with the counters that moved.
 *
 * Each event is serialized once for all subscribers. A subscriber that does not read (its
 * websocket's buffered bytes pass a limit) is dropped, so it can neither slow the server nor
 * grow its memory.
 */
import WebSocket from 'ws';
import type {ServerEvent, StaticTunnelStats, TunnelStats} from '../../protocol/server-events.js';
import type {ServerInfo} from '../../protocol/management.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import {byteCounters, channelInfo, connectionCounters, tunnelInfo} from './management-views.js';
import type {PeerSource} from '../peers/peer-source.js';
import type {ServerChannel} from '../channels/server-channel.js';

export interface EventHubOptions {
  statsIntervalMs?: number;
  /** Bytes a subscriber may leave unread before it is dropped. */
  maxBufferedBytes?: number;
}

export class EventHub {
  private readonly subscribers = new Set<WebSocket>();
  /** Last counters sent per tunnel key, to send only what moved. */
  private readonly lastStats = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly statsIntervalMs: number;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly channels: ChannelRegistry,
    private readonly serverInfo: () => ServerInfo,
    private readonly peers: PeerSource | undefined,
    options: EventHubOptions = {},
  ) {
    this.statsIntervalMs = options.statsIntervalMs ?? 1000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    channels.on('channelCreated', (channel) => this.watchChannel(channel));
    channels.on('channelClosed', (channel) => this.broadcast({type: 'channel.closed', channel_id: channel.id}));
    peers?.on('peer.added', (peer) => this.broadcast({type: 'peer.added', peer}));
    peers?.on('peer.changed', (peer) => this.broadcast({type: 'peer.changed', peer}));
    peers?.on('peer.removed', (peerId) => this.broadcast({type: 'peer.removed', peer_id: peerId}));
    peers?.on('static_tunnel.status', (peerId, staticTunnel) =>
      this.broadcast({type: 'static_tunnel.status', peer_id: peerId, static_tunnel: staticTunnel}),
    );
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(websocket: WebSocket): void {
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

  snapshot(): ServerEvent {
    const channels = this.channels.all();
    return {
      type: 'snapshot',
      server: this.serverInfo(),
      channels: channels.map(channelInfo),
      tunnels: channels.flatMap((channel) => [...channel.tunnels.values()].map((tunnel) => tunnelInfo(channel.id, tunnel))),
      peers: this.peers?.list() ?? [],
    };
  }

  private watchChannel(channel: ServerChannel): void {
    channel.on('connected', () => this.broadcast({type: 'channel.opened', channel: channelInfo(channel)}));
    channel.on('tunnelCreated', (tunnel) => this.broadcast({type: 'tunnel.created', tunnel: tunnelInfo(channel.id, tunnel)}));
    channel.on('tunnelDeleted', (tunnel) => {
      // Counters that moved since the last stats frame are sent before the tunnel goes.
      const stats = {channel_id: channel.id, id: tunnel.id, connections: connectionCounters(tunnel.traffic), bytes: byteCounters(tunnel.traffic)};
      if (this.moved(`t/${channel.id}/${tunnel.id}`, stats, new Set())) {
        this.broadcast({type: 'stats', at: new Date().toISOString(), tunnels: [stats], static_tunnels: []});
      }
      this.broadcast({type: 'tunnel.deleted', channel_id: channel.id, tunnel_id: tunnel.id});
    });
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
    this.timer = setInterval(() => this.sendStats(), this.statsIntervalMs);
    this.timer.unref();
  }

  private stopStats(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private moved(key: string, counters: {connections: {active: number; total: number}; bytes: {sent: number; received: number}}, seen: Set<string>): boolean {
    seen.add(key);
    const value = `${counters.connections.active}/${counters.connections.total}/${counters.bytes.sent}/${counters.bytes.received}`;
    if (this.lastStats.get(key) === value) return false;
    this.lastStats.set(key, value);
    return true;
  }

  private sendStats(): void {
    if (this.subscribers.size === 0) return;
    const seen = new Set<string>();
    const tunnels: TunnelStats[] = [];
    for (const channel of this.channels.all()) {
      for (const tunnel of channel.tunnels.values()) {
        const stats = {channel_id: channel.id, id: tunnel.id, connections: connectionCounters(tunnel.traffic), bytes: byteCounters(tunnel.traffic)};
        if (this.moved(`t/${channel.id}/${tunnel.id}`, stats, seen)) tunnels.push(stats);
      }
    }
    const staticTunnels: StaticTunnelStats[] = [];
    for (const peer of this.peers?.list() ?? []) {
      for (const staticTunnel of peer.static_tunnels) {
        const stats = {
          peer_id: peer.id,
          id: staticTunnel.id,
          connections: staticTunnel.connections ?? {active: 0, total: 0},
          bytes: staticTunnel.bytes ?? {sent: 0, received: 0},
        };
        if (this.moved(`s/${peer.id}/${staticTunnel.id}`, stats, seen)) staticTunnels.push(stats);
      }
    }
    for (const key of this.lastStats.keys()) if (!seen.has(key)) this.lastStats.delete(key);
    if (tunnels.length === 0 && staticTunnels.length === 0) return;
    this.broadcast({type: 'stats', at: new Date().toISOString(), tunnels, static_tunnels: staticTunnels});
  }
}
