/**
 * The connections that opened and closed since the last stats tick, coalesced for `/events`:
 * per tick at most one `connection.opened` frame and one `connection.closed` frame, whatever
 * the rate of connections.
 * - A connection is listed once it has been open for `minAgeMs` (a stats interval): one that
 *   closes before is never listed, only counted in its tunnel's `short_lived` summary
 *   (connections, aborted ones, bytes each way). So a burst of short connections costs a few
 *   summaries, while one that lives on shows up within two intervals.
 * - A frame lists at most `maxListed` connections; the others are counted (`omitted`), so a
 *   frame's size is bounded too (GET /connections lists every open connection).
 * Memory is bounded the same way: a closed connection is kept until the tick only if it will
 * be listed; the opened ones wait as references to the registry's own entries.
 */
import type {ClosedConnection, ShortLived} from '../../protocol/connections.js';
import type {ServerEvent} from '../../protocol/server-events.js';
import {closedConnection, connectionInfo} from './connection-views.js';
import type {ConnectionRegistry, TrackedConnection} from './connection-registry.js';

export class ConnectionBatch {
  /** Opened, still open and not listed yet, oldest first. */
  private readonly opened = new Set<TrackedConnection>();
  private closed: ClosedConnection[] = [];
  private closedOmitted = 0;
  /** By `channel/tunnel`. */
  private shortLived = new Map<string, ShortLived>();

  constructor(
    registry: ConnectionRegistry,
    private readonly maxListed: number,
    private readonly minAgeMs: number,
  ) {
    registry.on('opened', (tracked) => this.opened.add(tracked));
    registry.on('closed', (tracked) => this.onClosed(tracked));
  }

  /** True while `tracked` waits for its `connection.opened` frame (a snapshot leaves it to that frame). */
  isPending(tracked: TrackedConnection): boolean {
    return this.opened.has(tracked);
  }

  /** The frames of the tick (none when nothing opened or closed), and a fresh batch. */
  take(now = Date.now()): ServerEvent[] {
    const frames: ServerEvent[] = [];
    const at = new Date(now).toISOString();
    const listed = [];
    let due = 0;
    for (const tracked of this.opened) {
      // Oldest first: once one is too young, so are the rest.
      if (tracked.record.openedAt > now - this.minAgeMs) break;
      this.opened.delete(tracked);
      due += 1;
      if (listed.length < this.maxListed) listed.push(connectionInfo(tracked, now));
    }
    if (due > 0) frames.push({type: 'connection.opened', at, connections: listed, omitted: due - listed.length});
    if (this.closed.length > 0 || this.closedOmitted > 0 || this.shortLived.size > 0) {
      frames.push({type: 'connection.closed', at, connections: this.closed, omitted: this.closedOmitted, short_lived: [...this.shortLived.values()]});
      this.closed = [];
      this.closedOmitted = 0;
      this.shortLived = new Map();
    }
    return frames;
  }

  private onClosed(tracked: TrackedConnection): void {
    if (this.opened.delete(tracked)) {
      this.countShortLived(tracked);
      return;
    }
    if (this.closed.length < this.maxListed) this.closed.push(closedConnection(tracked));
    else this.closedOmitted += 1;
  }

  private countShortLived(tracked: TrackedConnection): void {
    const key = `${tracked.channelId}/${tracked.tunnelId}`;
    let summary = this.shortLived.get(key);
    if (!summary) {
      summary = {channel_id: tracked.channelId, tunnel_id: tracked.tunnelId, count: 0, aborted: 0, bytes: {sent: 0, received: 0}};
      this.shortLived.set(key, summary);
    }
    summary.count += 1;
    if (tracked.record.aborted) summary.aborted += 1;
    summary.bytes.sent += tracked.record.bytesToExit;
    summary.bytes.received += tracked.record.bytesToEntrance;
  }
}
