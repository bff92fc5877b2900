/**
 * A live connection of the console to one server, its reachability lifecycle: it finds out
 * what the server is, watches it the right way, retries it when it cannot be reached, and
 * fills that server's view in the store.
 * - Our server: the `/events` stream (a snapshot, then changes, and counters once a second),
 *   folded by reduceServerEvent (server-events.ts); no polling.
 * - A server without the management API (1.0.12, or ours with --no-extensions): peers and
 *   static tunnels are polled every 2 s, the console's own tunnels are shown from its engine,
 *   and the view says (mode `legacy`) that channels cannot be listed.
 * A server that cannot be reached is retried with backoff; its view keeps the last known data,
 * marked stale (if it ever answered). What answers without being a NETunnel server is
 * `unusable`, and asked again now and then. A version probe every few seconds gives the
 * round-trip time; reachability.ts keeps the record (round trips, reconnects, the last loss).
 * When the server is back, the handle reopens the console's own tunnels lost with it. Rates
 * are sampled by the tunnel feed (tunnel-feed.ts); the rows come from tunnel-rows.ts.
 */
import {EventEmitter} from 'node:events';
import {NotNetunnelServerError, ServerRefusedError} from '../client/client-errors.js';
import {messageOf} from '../protocol/errors.js';
import type {ServerEvent} from '../protocol/server-events.js';
import type {SubscriptionState} from '../client/event-subscription.js';
import type {Subscription} from '../client/management-api.js';
import {ActivityFeed} from './activity-feed.js';
import {ChannelHeartbeats} from './channel-heartbeats.js';
import {formatDuration} from './format.js';
import {OwnTunnelNotices} from './own-tunnel-notices.js';
import {Reachability, type ReachabilityTiming} from './reachability.js';
import {EMPTY_STREAMED_SERVER, reduceServerEvent, sortById, withConnectionList, type StreamedServer} from './server-events.js';
import type {ServerHandle} from './server-handle.js';
import type {ConsoleStore, ServerView} from './store.js';
import {TunnelFeed} from './tunnel-feed.js';
import {visibleTunnels, type OwnTunnels} from './tunnel-rows.js';

export interface ConnectionTiming extends ReachabilityTiming {
  /** Polling of peers when the server has no event stream. */
  pollMs: number;
  /** Round-trip probe (`GET /version`). */
  probeMs: number;
  /** Rates and sparklines are sampled this often. */
  sampleMs: number;
}

export const DEFAULT_TIMING: ConnectionTiming = {
  pollMs: 2000,
  probeMs: 5000,
  sampleMs: 1000,
  retryMinMs: 500,
  retryMaxMs: 15_000,
  downAfterMs: 10_000,
};

export interface ServerConnectionEvents {
  /** Something the user should read in the status line (own channel lost, ...). */
  notice: [string];
}

export class ServerConnection extends EventEmitter<ServerConnectionEvents> {
  private readonly timing: ConnectionTiming;
  private stopped = false;
  private subscription: Subscription | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private pollTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly reachability: Reachability;
  /** What the event stream said so far (our server). */
  private streamed: StreamedServer = EMPTY_STREAMED_SERVER;
  /** The Tunnels pane's rows, their rates and sparklines. */
  private readonly feed: TunnelFeed;
  /** Connections, the event timeline and the server's clock (activity-feed.ts). */
  private readonly activity: ActivityFeed;
  private readonly heartbeats = new ChannelHeartbeats();
  private readonly onOwnTunnels = () => this.feed.publish();
  private readonly notices: OwnTunnelNotices;
  private readonly onOwnLost = (reason: string) => {
    this.notices.lost(reason, this.handle.reopening.length);
    // Without events, the console's own channel is the first to know the server went: ask now, not at the next poll.
    if (this.view()?.mode === 'legacy') this.pollNow();
  };
  private readonly onReopened = (reopened: number, failures: string[]) => this.notices.reopened(reopened, failures, this.view()?.status === 'connected');
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
    this.notices = new OwnTunnelNotices(handle.target.name, (notice) => this.emit('notice', notice));
    this.timing = {...DEFAULT_TIMING, ...timing};
    this.reachability = new Reachability(this.timing);
    this.activity = new ActivityFeed(
      handle.api,
      (listed) => {
        if (this.stopped) return;
        this.streamed = withConnectionList(this.streamed, listed);
        this.update(this.activity.fields(this.streamed));
      },
      () => this.streamed,
    );
    this.feed = new TunnelFeed(
      {
        tunnels: () => visibleTunnels(this.view()?.mode, this.streamed.tunnels.values(), this.own()),
        own: () => this.own(),
        streamed: () => this.view()?.mode === 'management',
        publish: (rows, own) => this.update({tunnels: rows, ownChannelId: own.channelId ?? null}),
      },
      this.timing.sampleMs,
    );
  }

  start(): void {
    if (this.handle.target.unusable !== undefined) {
      this.update({status: 'unusable', problem: 'broken entry', detail: this.handle.target.unusable, stale: false});
      return;
    }
    this.handle.on('ownTunnels', this.onOwnTunnels);
    this.handle.on('ownChannelLost', this.onOwnLost);
    this.handle.on('ownTunnelsReopened', this.onReopened);
    this.handle.on('changed', this.onChanged);
    void this.probe();
    void this.discover();
  }

  /** Stops watching (the handle, and the console's own tunnels, are closed by its owner). */
  stop(): void {
    this.stopped = true;
    this.activity.stop();
    this.subscription?.close();
    this.subscription = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const timer of [this.pollTimer, this.probeTimer]) if (timer) clearTimeout(timer);
    this.feed.stop();
    this.handle.off('ownTunnels', this.onOwnTunnels);
    this.handle.off('ownChannelLost', this.onOwnLost);
    this.handle.off('ownTunnelsReopened', this.onReopened);
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
    const arrival = this.reachability.reached(Date.now());
    this.update({status: 'connected', detail: null, problem: null, stale: false, health: this.reachability.health});
    this.notices.reached(arrival.returned ? {away: formatDuration(arrival.lostForMs), lostBecause: arrival.lostBecause} : undefined);
    this.handle.serverReachable();
    // A server first reached after the probe gave up would show no version until the next probe.
    if (this.view()?.version === null && !this.probing) {
      clearTimeout(this.probeTimer);
      void this.probe();
    }
  }

  private failed(error: unknown): void {
    if (error instanceof NotNetunnelServerError) {
      this.update({status: 'unusable', problem: 'not a NETunnel server', detail: error.message, stale: false});
      return;
    }
    const reason = messageOf(error);
    // What a server that never answered showed is nothing: not stale data.
    this.update({status: this.reachability.lost(Date.now(), reason), detail: reason, stale: this.reachability.wasReached, health: this.reachability.health});
  }

  /** The wait before trying again: the backoff's, or the longest for what is no NETunnel server. */
  private retryDelay(error: unknown): number {
    return error instanceof NotNetunnelServerError ? this.timing.retryMaxMs : this.reachability.nextRetryDelay();
  }

  /** Finds out what kind of server this is, then watches it the right way. */
  private async discover(): Promise<void> {
    let info;
    try {
      info = await this.handle.serverInfo(true);
    } catch (error) {
      if (this.stopped) return;
      this.failed(error);
      this.later(this.retryDelay(error), () => void this.discover());
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
      const version = await this.handle.api.server.version();
      const rtt = performance.now() - started;
      this.reachability.measured(Date.now(), Math.round(rtt * 10) / 10);
      this.update((view) => ({version: view.info?.version ?? version.trim(), rttMs: steadyRtt(view.rttMs, rtt), health: this.reachability.health}));
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
    this.subscription = this.handle.api.events.subscribe(
      (event) => this.apply(event),
      (state, detail) => this.streamState(state, detail),
    );
  }

  private streamState(state: SubscriptionState, detail?: string): void {
    if (this.stopped) return;
    if (state === 'reconnecting') this.failed(detail ?? 'The event stream was lost');
    if (state === 'closed') {
      // The stream gave up (the server no longer has one, e.g. it came back without its
      // extensions): find out again what this server is.
      this.failed(detail ?? 'The event stream was closed');
      this.subscription = undefined;
      this.later(this.reachability.nextRetryDelay(), () => void this.discover());
    }
  }

  private apply(event: ServerEvent): void {
    if (this.stopped) return;
    const before = this.streamed;
    this.streamed = reduceServerEvent(this.streamed, event);
    const {info, channels, peers} = this.streamed;
    const activity = this.activity.after(event, before);
    const channelRtts = this.heartbeats.track(channels);
    if (event.type === 'snapshot') {
      this.handle.setServerInfo(event.server);
      this.connected();
      this.update({info, version: event.server.version, mode: 'management', channels, peers, channelRtts, ...activity});
    } else {
      this.update({channels, peers, channelRtts, ...activity});
    }
    if (event.type === 'stats') {
      // The counters moved: the rates are sampled now, in the same update (one redraw a second).
      if (event.tunnels.length > 0) this.feed.sampleNow();
      return;
    }
    if (event.type === 'snapshot' || event.type.startsWith('tunnel.') || event.type === 'channel.closed') this.feed.publish();
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
      const peers = await this.handle.api.peers.list();
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
        delay = this.retryDelay(error);
      }
    } finally {
      this.polling = false;
    }
    this.feed.publish();
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => void this.poll(), delay);
    this.pollTimer.unref?.();
  }

  // ------------------------------------------------------------ tunnels

  private own(): OwnTunnels {
    return {channelId: this.handle.ownChannelId, tunnels: this.handle.ownTunnels, reopening: this.handle.reopening};
  }
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
