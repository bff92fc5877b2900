/**
 * The console's live model: one view per server (status, what the server has, the console's
 * own tunnels), kept as immutable snapshots so that a screen can compare and redraw only
 * what changed. A change that changes nothing (same values) keeps the old objects and tells
 * no one: an idle console does no work.
 */
import {isDeepStrictEqual} from 'node:util';
import type {ConnectLatency} from '../protocol/connections.js';
import type {ChannelInfo, ServerInfo} from '../protocol/management.js';
import type {PeerInfo} from '../protocol/server-objects.js';
import type {SocketAddress} from '../protocol/socket-address.js';
import type {ConnectionRow} from './connection-rows.js';
import {EMPTY_TIMELINE, type Timeline} from './event-timeline.js';
import type {ShortLivedTotals} from './server-events.js';

/** `unusable`: the console will not talk to it (not a NETunnel server, its auth plugin cannot load). */
export type ServerStatusKind = 'connecting' | 'connected' | 'reconnecting' | 'down' | 'unusable';

/** How the console's link to a server has been doing (the reachability lifecycle's record). */
export interface ServerHealth {
  /** The last round-trip times of the console's probe (`GET /version`), oldest first, in ms. */
  rttHistory: number[];
  /** When the server last answered (epoch ms), or null before it ever did. */
  lastAnswerAt: number | null;
  /** How often the server was lost and came back. */
  reconnects: number;
  /** The last time it was lost: when (epoch ms) and why. */
  lastLoss: {at: number; reason: string} | null;
}

export const NO_HEALTH: ServerHealth = {rttHistory: [], lastAnswerAt: null, reconnects: 0, lastLoss: null};

/**
 * How the console learns about a server: `management` from its `/events` stream (ours),
 * `legacy` by polling peers (1.0.12, or ours with --no-extensions); `unknown` until it answers.
 */
export type ServerMode = 'unknown' | 'management' | 'legacy';

export interface TunnelRow {
  /** `channel/tunnel`, unique on one server. */
  key: string;
  channelId: number;
  id: number;
  direction: 'forward' | 'reverse';
  entrance: SocketAddress | null;
  exit: SocketAddress | null;
  active: number;
  total: number;
  /** Bytes that entered at the entrance toward the exit. */
  sent: number;
  /** Bytes that came back. */
  received: number;
  /** Bytes per second, both ways, over the last sample. */
  rate: number;
  /** The last rates, oldest first (a sparkline). */
  history: number[];
  /** Opened by this console (its engine runs in this process). */
  own: boolean;
  /** One of the console's own whose channel was lost: it is opened again, on the same port, once the server is back. */
  reopening: boolean;
  createdAt: string;
  /** p50/p90 of the durations of recently ended connections (ours only). */
  durations: {p50: number | null; p90: number | null} | null;
  /** It takes no new connection and goes once its open ones ended (ours, `connections`). */
  draining: boolean;
  /** This server's part of connecting, p50/p90 and the last 30 s (ours, `connections`); null: not told. */
  connect: ConnectLatency | null;
  /** The server's time (ms) at whose second `connect.history` ends; null: not told (shown as it came). */
  connectAsOf: number | null;
}

export interface ServerView {
  /** Unique among the console's servers. */
  key: string;
  name: string;
  url: string;
  status: ServerStatusKind;
  /** Why the server is not connected (the last error), or null. */
  detail: string | null;
  /** Why an unusable server is so, in a few words (its tab), or null. */
  problem: string | null;
  health: ServerHealth;
  /** Each channel's last heartbeat round trips (ms, oldest first), by channel id. */
  channelRtts: Readonly<Record<string, number[]>>;
  mode: ServerMode;
  info: ServerInfo | null;
  version: string | null;
  rttMs: number | null;
  /** The data shown is the last known, not live (the server is not connected). */
  stale: boolean;
  channels: ChannelInfo[];
  tunnels: TunnelRow[];
  peers: PeerInfo[];
  /** Why the peers could not be listed although the server answered (polling only), or null. */
  peersError: string | null;
  /** The console's own channel on this server, while open. */
  ownChannelId: number | null;
  // ---- the connections API (ours, `connections`) and the event timeline
  /** The open tunnelled connections listed by the server's events, oldest first. */
  connections: ConnectionRow[];
  /** Per tunnel key: the connections that closed before they were listed, summed since the console watches. */
  shortLived: Readonly<Record<string, ShortLivedTotals>>;
  /** What the server's events said happened, oldest first, bounded. */
  timeline: Timeline;
  /** This machine's clock minus the server's (ms), to age the server's timestamps. */
  clockOffsetMs: number;
}

export interface ConsoleState {
  servers: ServerView[];
}

export function emptyServerView(key: string, name: string, url: string): ServerView {
  return {
    key,
    name,
    url,
    status: 'connecting',
    detail: null,
    problem: null,
    health: NO_HEALTH,
    channelRtts: {},
    mode: 'unknown',
    info: null,
    version: null,
    rttMs: null,
    stale: false,
    channels: [],
    tunnels: [],
    peers: [],
    peersError: null,
    ownChannelId: null,
    connections: [],
    shortLived: {},
    timeline: EMPTY_TIMELINE,
    clockOffsetMs: 0,
  };
}

/**
 * Keeps the old element objects of a list where the new ones are equal, so that a row that
 * did not change is the very same object (and the old list when nothing changed at all).
 */
export function reconcileList<T>(previous: readonly T[], next: readonly T[], keyOf: (item: T) => string | number): T[] {
  const byKey = new Map<string | number, T>();
  for (const item of previous) byKey.set(keyOf(item), item);
  let changed = previous.length !== next.length;
  const result = next.map((item, index) => {
    const old = byKey.get(keyOf(item));
    const kept = old !== undefined && isDeepStrictEqual(old, item) ? old : item;
    if (kept !== previous[index]) changed = true;
    return kept;
  });
  return changed ? result : (previous as T[]);
}

export type Listener = () => void;

export class ConsoleStore {
  private state: ConsoleState = {servers: []};
  private readonly listeners = new Set<Listener>();

  getState = (): ConsoleState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  addServer(view: ServerView): void {
    if (this.state.servers.some((server) => server.key === view.key)) throw new Error(`Server ${view.key} is already in the store`);
    this.commit({servers: [...this.state.servers, view]});
  }

  removeServer(key: string): void {
    const servers = this.state.servers.filter((server) => server.key !== key);
    if (servers.length !== this.state.servers.length) this.commit({servers});
  }

  getServer(key: string): ServerView | undefined {
    return this.state.servers.find((server) => server.key === key);
  }

  /**
   * Applies a change to one server's view. The updater returns a new view (or the same one);
   * fields whose new value equals the old keep the old object, and nothing is announced
   * when no field changed.
   */
  updateServer(key: string, update: (view: ServerView) => ServerView): void {
    const index = this.state.servers.findIndex((server) => server.key === key);
    if (index === -1) return;
    const previous = this.state.servers[index]!;
    const proposed = update(previous);
    if (proposed === previous) return;
    const merged: Record<string, unknown> = {};
    let changed = false;
    for (const field of Object.keys(proposed) as Array<keyof ServerView>) {
      const before = previous[field];
      const after = proposed[field];
      if (field === 'tunnels') {
        const list = reconcileList(before as TunnelRow[], after as TunnelRow[], (row) => row.key);
        merged[field] = list;
        if (list !== before) changed = true;
      } else if (field === 'channels') {
        const list = reconcileList(before as ChannelInfo[], after as ChannelInfo[], (row) => row.id);
        merged[field] = list;
        if (list !== before) changed = true;
      } else if (field === 'peers') {
        const list = reconcileList(before as PeerInfo[], after as PeerInfo[], (row) => row.id);
        merged[field] = list;
        if (list !== before) changed = true;
      } else if (field === 'connections') {
        const list = reconcileList(before as ConnectionRow[], after as ConnectionRow[], (row) => row.key);
        merged[field] = list;
        if (list !== before) changed = true;
      } else if (field === 'timeline') {
        // Appended to, never changed in place: a new timeline is a new object.
        merged[field] = after;
        if (after !== before) changed = true;
      } else if (isDeepStrictEqual(before, after)) {
        merged[field] = before;
      } else {
        merged[field] = after;
        changed = true;
      }
    }
    if (!changed) return;
    const servers = [...this.state.servers];
    servers[index] = merged as unknown as ServerView;
    this.commit({servers});
  }

  private commit(state: ConsoleState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener();
  }
}
