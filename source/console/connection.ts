/**
 * A live connection of the console to one server: it fills that server's view in the store.
 * - Our server: the `/events` stream (a snapshot, then changes, and counters once a second);
 *   no polling.
 * - A server without the management API (1.0.12, or ours with --no-extensions): peers and
 *   static tunnels are polled every 2 s, the console's own tunnels are shown from its engine,
 *   and the view says (mode `legacy`) that channels cannot be listed.
 * A server that cannot be reached is retried with backoff; its view keeps the last known data,
 * marked stale. A version probe every few seconds gives the round-trip time.
 */
import {EventEmitter} from 'node:events';
import {ServerRefusedError} from '../client/client-errors.js';
import {messageOf} from '../protocol/errors.js';
import type {ServerEvent, TunnelInfo} from '../protocol/management.js';
import type {EventSubscription, StreamState} from './api.js';
import type {ServerHandle} from './server-handle.js';
import type {ConsoleStore, ServerView, TunnelRow} from './store.js';

export interface ConnectionTiming {
  /** Polling of peers when the server has no event stream. */
  pollMs: number;
  /** Round-trip probe (`GET /version`). */
  probeMs: number;
  /** Rates and sparklines are sampled this often. */
  sampleMs: number;
  /** First and longest wait before retrying a server that cannot be reached. */
  retryMinMs: number;
  retryMaxMs: number;
  /** A server still unreachable this long after it was lost is shown down, not reconnecting. */
  downAfterMs: number;
}

export const DEFAULT_TIMING: ConnectionTiming = {
  pollMs: 2000,
  probeMs: 5000,
  sampleMs: 1000,
  retryMinMs: 500,
  retryMaxMs: 15_000,
  downAfterMs: 10_000,
};

/** Samples kept per tunnel for its sparkline. */
export const HISTORY_LENGTH = 10;

export interface ServerConnectionEvents {
  /** Something the user should read in the status line (own channel lost, ...). */
  notice: [string];
}

interface Sample {
  bytes: number;
  at: number;
}

function tunnelKey(channelId: number, tunnelId: number): string {
  return `${channelId}/${tunnelId}`;
}

export class ServerConnection extends EventEmitter<ServerConnectionEvents> {
  private readonly timing: ConnectionTiming;
  private stopped = false;
  private subscription: EventSubscription | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private pollTimer: NodeJS.Timeout | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private everConnected = false;
  private lostAt: number | undefined;
  /** Our server's tunnels, with the counters of the latest stats frame. */
  private readonly serverTunnels = new Map<string, TunnelInfo>();
  private readonly samples = new Map<string, Sample>();
  private readonly histories = new Map<string, number[]>();
  private readonly onOwnTunnels = () => this.publishTunnels();
  private readonly onOwnLost = (reason: string) => this.emit('notice', `${reason}; the console's tunnels on ${this.handle.target.name} stopped`);
  private readonly onChanged = () => {
    if (this.view()?.mode === 'legacy') this.pollNow();
  };

  constructor(
    readonly handle: ServerHandle,
    private readonly store: ConsoleStore,
    readonly key: string,
    timing: Partial<ConnectionTiming> = {},
  ) {
    super();
    this.timing = {...DEFAULT_TIMING, ...timing};
    this.retryDelay = this.timing.retryMinMs;
  }

  start(): void {
    this.handle.on('ownTunnels', this.onOwnTunnels);
    this.handle.on('ownChannelLost', this.onOwnLost);
    this.handle.on('changed', this.onChanged);
    void this.probe();
    void this.discover();
  }

  /** Stops watching (the handle, and the console's own tunnels, are closed by its owner). */
  stop(): void {
    this.stopped = true;
    this.subscription?.close();
    this.subscription = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const timer of [this.pollTimer, this.sampleTimer, this.probeTimer]) if (timer) clearTimeout(timer);
    this.handle.off('ownTunnels', this.onOwnTunnels);
    this.handle.off('ownChannelLost', this.onOwnLost);
    this.handle.off('changed', this.onChanged);
  }

  private view(): ServerView | undefined {
    return this.store.getServer(this.key);
  }

  private update(change: Partial<ServerView> | ((view: ServerView) => Partial<ServerView>)): void {
    if (this.stopped) return;
    this.store.updateServer(this.key, (view) => ({...view, ...(typeof change === 'function' ? change(view) : change)}));
  }

  private later(ms: number, action: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) action();
    }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  // ------------------------------------------------------------ reachability

  private connected(): void {
    this.everConnected = true;
    this.lostAt = undefined;
    this.retryDelay = this.timing.retryMinMs;
    this.update({status: 'connected', detail: null, stale: false});
    // A server first reached after the probe gave up would show no version until the next probe.
    if (this.view()?.version === null && !this.probing) {
      clearTimeout(this.probeTimer);
      void this.probe();
    }
  }

  private failed(error: unknown): void {
    const detail = messageOf(error);
    const now = Date.now();
    if (this.lostAt === undefined) this.lostAt = now;
    const down = !this.everConnected || now - this.lostAt >= this.timing.downAfterMs;
    this.update({status: down ? 'down' : 'reconnecting', detail, stale: true});
  }

  private nextRetryDelay(): number {
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.timing.retryMaxMs, this.retryDelay * 2);
    return delay;
  }

  /** Finds out what kind of server this is, then watches it the right way. */
  private async discover(): Promise<void> {
    let info;
    try {
      info = await this.handle.serverInfo(true);
    } catch (error) {
      if (this.stopped) return;
      this.failed(error);
      this.later(this.nextRetryDelay(), () => void this.discover());
      return;
    }
    if (this.stopped) return;
    if (info === null) {
      this.update({mode: 'legacy', info: null, channels: []});
      this.pollNow();
    } else {
      this.update({mode: 'management', info, version: info.version});
      this.subscribe();
    }
  }

  private probing = false;

  private async probe(): Promise<void> {
    if (this.stopped || this.probing) return;
    this.probing = true;
    try {
      const started = performance.now();
      const version = await this.handle.api.getVersion();
      const rtt = performance.now() - started;
      this.update((view) => ({version: view.info?.version ?? version.trim(), rttMs: steadyRtt(view.rttMs, rtt)}));
    } catch {
      // Reachability is judged by the stream or the polling; the probe only measures.
    } finally {
      this.probing = false;
    }
    if (this.stopped) return;
    this.probeTimer = setTimeout(() => void this.probe(), this.timing.probeMs);
    this.probeTimer.unref?.();
  }

  // ------------------------------------------------------------ our server: the event stream

  private subscribe(): void {
    this.subscription = this.handle.api.subscribe(
      (event) => this.apply(event),
      (state, detail) => this.streamState(state, detail),
    );
  }

  private streamState(state: StreamState, detail?: string): void {
    if (this.stopped) return;
    if (state === 'reconnecting') this.failed(detail ?? 'The event stream was lost');
    if (state === 'closed') {
      // The stream gave up (the server no longer has one, e.g. it came back without its
      // extensions): find out again what this server is.
      this.failed(detail ?? 'The event stream was closed');
      this.subscription = undefined;
      this.later(this.nextRetryDelay(), () => void this.discover());
    }
  }

  private apply(event: ServerEvent): void {
    if (this.stopped) return;
    switch (event.type) {
      case 'snapshot': {
        this.handle.setServerInfo(event.server);
        this.serverTunnels.clear();
        for (const tunnel of event.tunnels) this.serverTunnels.set(tunnelKey(tunnel.channel_id, tunnel.id), tunnel);
        this.connected();
        this.update({info: event.server, version: event.server.version, mode: 'management', channels: sortById(event.channels), peers: sortById(event.peers)});
        this.publishTunnels();
        return;
      }
      case 'channel.opened':
        this.update((view) => ({channels: sortById([...view.channels.filter((channel) => channel.id !== event.channel.id), event.channel])}));
        return;
      case 'channel.closed':
        for (const [key, tunnel] of this.serverTunnels) if (tunnel.channel_id === event.channel_id) this.serverTunnels.delete(key);
        this.update((view) => ({channels: view.channels.filter((channel) => channel.id !== event.channel_id)}));
        this.publishTunnels();
        return;
      case 'tunnel.created':
        this.serverTunnels.set(tunnelKey(event.tunnel.channel_id, event.tunnel.id), event.tunnel);
        this.bumpTunnelCount(event.tunnel.channel_id);
        this.publishTunnels();
        return;
      case 'tunnel.deleted':
        this.serverTunnels.delete(tunnelKey(event.channel_id, event.tunnel_id));
        this.bumpTunnelCount(event.channel_id);
        this.publishTunnels();
        return;
      case 'peer.added':
      case 'peer.changed':
        this.update((view) => ({peers: sortById([...view.peers.filter((peer) => peer.id !== event.peer.id), event.peer])}));
        return;
      case 'peer.removed':
        this.update((view) => ({peers: view.peers.filter((peer) => peer.id !== event.peer_id)}));
        return;
      case 'static_tunnel.status':
        this.update((view) => ({
          peers: view.peers.map((peer) =>
            peer.id !== event.peer_id
              ? peer
              : {...peer, static_tunnels: sortById([...peer.static_tunnels.filter((tunnel) => tunnel.id !== event.static_tunnel.id), event.static_tunnel])},
          ),
        }));
        return;
      case 'stats': {
        for (const stats of event.tunnels) {
          const key = tunnelKey(stats.channel_id, stats.id);
          const tunnel = this.serverTunnels.get(key);
          if (tunnel) this.serverTunnels.set(key, {...tunnel, connections: stats.connections, bytes: stats.bytes});
        }
        if (event.static_tunnels.length > 0) {
          this.update((view) => ({
            peers: view.peers.map((peer) => {
              const moved = event.static_tunnels.filter((stats) => stats.peer_id === peer.id);
              if (moved.length === 0) return peer;
              return {
                ...peer,
                static_tunnels: peer.static_tunnels.map((tunnel) => {
                  const stats = moved.find((candidate) => candidate.id === tunnel.id);
                  return stats ? {...tunnel, connections: stats.connections, bytes: stats.bytes} : tunnel;
                }),
              };
            }),
          }));
        }
        // The counters moved: the rates are sampled now, in the same update (one redraw a second).
        if (event.tunnels.length > 0) this.sampleNow();
        return;
      }
      default:
        // A frame type this console does not know (a newer server): ignored.
        return;
    }
  }

  private bumpTunnelCount(channelId: number): void {
    let count = 0;
    for (const tunnel of this.serverTunnels.values()) if (tunnel.channel_id === channelId) count += 1;
    this.update((view) => ({
      channels: view.channels.map((channel) => (channel.id === channelId ? {...channel, tunnel_count: count} : channel)),
    }));
  }

  // ------------------------------------------------------------ a server without events: polling

  private pollNow(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    void this.poll();
  }

  private polling = false;

  private async poll(): Promise<void> {
    if (this.stopped || this.polling) return;
    this.polling = true;
    let delay = this.timing.pollMs;
    try {
      const peers = await this.handle.api.listPeers();
      if (this.stopped) return;
      this.connected();
      this.update({peers: sortById(peers), peersError: null});
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof ServerRefusedError) {
        // The server is there but will not list its peers (no such route, or refused).
        this.connected();
        this.update({peersError: messageOf(error)});
      } else {
        this.failed(error);
        delay = this.nextRetryDelay();
      }
    } finally {
      this.polling = false;
    }
    this.publishTunnels();
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => void this.poll(), delay);
    this.pollTimer.unref?.();
  }

  // ------------------------------------------------------------ tunnels, rates, sparklines

  /** The rows of the Tunnels pane: the server's tunnels (ours) or the console's own (1.0.12). */
  private currentTunnels(): TunnelInfo[] {
    const ownChannelId = this.handle.ownChannelId;
    const own = new Map(this.handle.ownTunnels.map((tunnel) => [tunnel.id, tunnel]));
    const mode = this.view()?.mode;
    if (mode === 'management') {
      return [...this.serverTunnels.values()].map((tunnel) => {
        const local = tunnel.channel_id === ownChannelId ? own.get(tunnel.id) : undefined;
        // The server may not know the entrance of a forward tunnel: the console does.
        return local ? {...tunnel, entrance: tunnel.entrance ?? local.entrance, exit: tunnel.exit ?? local.exit} : tunnel;
      });
    }
    if (ownChannelId === undefined) return [];
    return [...own.values()].map((tunnel) => ({
      channel_id: ownChannelId,
      id: tunnel.id,
      direction: tunnel.direction,
      entrance: tunnel.entrance,
      exit: tunnel.exit,
      connections: {active: tunnel.traffic.activeConnections, total: tunnel.traffic.totalConnections},
      bytes: {sent: tunnel.traffic.bytesToExit, received: tunnel.traffic.bytesToEntrance},
      durations_ms: {p50: null, p90: null},
      created_at: tunnel.createdAt.toISOString(),
    }));
  }

  private publishTunnels(): void {
    if (this.stopped) return;
    const ownChannelId = this.handle.ownChannelId ?? null;
    const ownIds = new Set(this.handle.ownTunnels.map((tunnel) => tunnel.id));
    const tunnels = this.currentTunnels();
    const now = Date.now();
    const live = new Set<string>();
    const rows: TunnelRow[] = tunnels.map((tunnel) => {
      const key = tunnelKey(tunnel.channel_id, tunnel.id);
      live.add(key);
      if (!this.samples.has(key)) this.samples.set(key, {bytes: tunnel.bytes.sent + tunnel.bytes.received, at: now});
      const history = this.histories.get(key) ?? [];
      return {
        key,
        channelId: tunnel.channel_id,
        id: tunnel.id,
        direction: tunnel.direction,
        entrance: tunnel.entrance,
        exit: tunnel.exit,
        active: tunnel.connections.active,
        total: tunnel.connections.total,
        sent: tunnel.bytes.sent,
        received: tunnel.bytes.received,
        rate: history.at(-1) ?? 0,
        history,
        own: tunnel.channel_id === ownChannelId && ownIds.has(tunnel.id),
        createdAt: tunnel.created_at,
        durations: tunnel.durations_ms.p50 === null && tunnel.durations_ms.p90 === null ? null : tunnel.durations_ms,
      };
    });
    rows.sort((a, b) => a.channelId - b.channelId || a.id - b.id);
    for (const key of [...this.samples.keys()]) {
      if (!live.has(key)) {
        this.samples.delete(key);
        this.histories.delete(key);
      }
    }
    this.update({tunnels: rows, ownChannelId});
    this.scheduleSample(rows.length > 0);
  }

  /**
   * Rates are sampled when stats frames come (our server) and otherwise by this timer: every
   * sampleMs without events (the console's own counters), or, with events, only once the
   * frames have stopped for a while, so that a tunnel gone idle falls back to 0.
   */
  private scheduleSample(needed: boolean): void {
    if (!needed || this.sampleTimer || this.stopped) return;
    const delay = this.view()?.mode === 'management' ? this.timing.sampleMs * 2.5 : this.timing.sampleMs;
    this.sampleTimer = setTimeout(() => {
      this.sampleTimer = undefined;
      this.sample();
    }, delay);
    this.sampleTimer.unref?.();
  }

  private sampleNow(): void {
    if (this.sampleTimer) clearTimeout(this.sampleTimer);
    this.sampleTimer = undefined;
    this.sample();
  }

  /** Takes one rate sample per tunnel; a tunnel whose counters did not move gets 0. */
  private sample(): void {
    const now = Date.now();
    for (const tunnel of this.currentTunnels()) {
      const key = tunnelKey(tunnel.channel_id, tunnel.id);
      const bytes = tunnel.bytes.sent + tunnel.bytes.received;
      const previous = this.samples.get(key);
      this.samples.set(key, {bytes, at: now});
      if (!previous) continue;
      const seconds = Math.max(0.001, (now - previous.at) / 1000);
      const rate = Math.max(0, (bytes - previous.bytes) / seconds);
      const history = this.histories.get(key) ?? [];
      // An idle tunnel whose sparkline is already flat does not change at all.
      if (rate === 0 && history.every((value) => value === 0)) continue;
      this.histories.set(key, [...history, rate].slice(-HISTORY_LENGTH));
    }
    this.publishTunnels();
  }
}

function sortById<T extends {id: number}>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.id - b.id);
}

/**
 * The round-trip time shown: a new measurement replaces the old only when it differs
 * noticeably, so that jitter of a millisecond does not redraw the screen every probe.
 */
export function steadyRtt(previous: number | null, measured: number): number {
  const rounded = Math.max(0, Math.round(measured));
  if (previous === null) return rounded;
  return Math.abs(rounded - previous) > Math.max(2, previous * 0.25) ? rounded : previous;
}
