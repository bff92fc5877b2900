/**
 * The live activity of one server besides its channels, tunnels and peers: its open
 * connections, the short-lived ones it only counted, the timeline of its events, and the
 * offset of its clock, as fields of its view. The frames are bounded (at most 500 connections
 * each, the others `omitted`): when a frame left connections out, the full list is asked for
 * with GET /connections, at once when rows are missing, at most every `countersRefreshMs` when
 * only counters lag (they come in a later frame anyway). Events that arrive while the list is
 * on its way win over it: a connection closed meanwhile stays closed, one opened meanwhile stays.
 */
import type {ManagementApi} from '../client/management-api.js';
import type {ConnectionInfo} from '../protocol/connections.js';
import type {ServerEvent} from '../protocol/server-events.js';
import {connectionRows, shortLivedByTunnel} from './connection-rows.js';
import {appendEvent, EMPTY_TIMELINE, type Timeline} from './event-timeline.js';
import {nextClockOffset} from './server-clock.js';
import {omissionOf, type StreamedServer} from './server-events.js';
import type {ServerView} from './store.js';

export type ActivityFields = Pick<ServerView, 'connections' | 'shortLived' | 'timeline' | 'clockOffsetMs'>;

export interface ActivityFeedOptions {
  /** Least time between two lists asked for lagging counters (default 5 s). */
  countersRefreshMs?: number;
  /** When a list could not be had: what went wrong (the view keeps what the frames said). */
  onListFailed?: (error: unknown) => void;
}

interface Listing {
  closed: Set<number>;
  opened: Set<number>;
}

export class ActivityFeed {
  private timeline: Timeline = EMPTY_TIMELINE;
  private clockOffsetMs = 0;
  private listing: Listing | undefined;
  /** Asked again once the current list arrives (a frame left rows out meanwhile). */
  private again = false;
  private lastCountersListAt = -Infinity;
  private stopped = false;
  private readonly countersRefreshMs: number;

  constructor(
    private readonly api: ManagementApi,
    /** The list, merged with what the frames said meanwhile: the caller folds it in its state. */
    private readonly onList: (connections: ConnectionInfo[]) => void,
    private readonly current: () => StreamedServer,
    private readonly options: ActivityFeedOptions = {},
  ) {
    this.countersRefreshMs = options.countersRefreshMs ?? 5000;
  }

  /** After `event` was folded into the state (`before`: the state it was folded into). */
  after(event: ServerEvent, before: StreamedServer, receivedAt = Date.now()): ActivityFields {
    if ('at' in event && typeof event.at === 'string') this.clockOffsetMs = nextClockOffset(this.clockOffsetMs, event.at, receivedAt);
    this.timeline = appendEvent(this.timeline, event, before, new Date(receivedAt - this.clockOffsetMs).toISOString());
    if (this.listing) {
      if (event.type === 'connection.closed') for (const closed of event.connections) this.listing.closed.add(closed.id);
      if (event.type === 'connection.opened') for (const opened of event.connections) this.listing.opened.add(opened.id);
      if (event.type === 'snapshot') this.again = true;
    }
    const omission = omissionOf(event);
    if (omission === 'rows') this.list();
    else if (omission === 'counters' && receivedAt - this.lastCountersListAt >= this.countersRefreshMs) {
      this.lastCountersListAt = receivedAt;
      this.list();
    }
    return this.fields(this.current());
  }

  /** The view's activity fields for a state. */
  fields(state: StreamedServer): ActivityFields {
    return {connections: connectionRows(state), shortLived: shortLivedByTunnel(state), timeline: this.timeline, clockOffsetMs: this.clockOffsetMs};
  }

  stop(): void {
    this.stopped = true;
  }

  private list(): void {
    if (this.stopped) return;
    if (this.listing) {
      this.again = true;
      return;
    }
    const listing: Listing = {closed: new Set(), opened: new Set()};
    this.listing = listing;
    this.api.connections.list().then(
      (listed) => {
        this.listing = undefined;
        if (this.stopped) return;
        const state = this.current();
        const merged = listed.filter((connection) => !listing.closed.has(connection.id));
        const known = new Set(merged.map((connection) => connection.id));
        for (const id of listing.opened) {
          const opened = state.connections.get(id);
          if (opened && !known.has(id)) merged.push(opened);
        }
        this.onList(merged.sort((a, b) => a.id - b.id));
        this.listAgainIfAsked();
      },
      (error: unknown) => {
        this.listing = undefined;
        if (this.stopped) return;
        this.options.onListFailed?.(error);
        this.listAgainIfAsked();
      },
    );
  }

  private listAgainIfAsked(): void {
    if (!this.again) return;
    this.again = false;
    this.list();
  }
}
