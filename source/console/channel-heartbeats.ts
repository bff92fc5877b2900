/**
 * Each channel's heartbeat round trips as the server reports them (a channel's `heartbeat`:
 * the rtt of its last ping, when its last pong came), kept as a short history for the
 * Channels pane's sparkline: one more value at each new pong, none for a frame that repeats
 * the last one; channels gone are forgotten.
 */
import type {ChannelInfo} from '../protocol/management.js';
import {RTT_HISTORY_LENGTH} from './reachability.js';

export class ChannelHeartbeats {
  private readonly pongs = new Map<number, string>();
  private histories: Record<string, number[]> = {};

  /** The histories by channel id after `channels` (the same object when nothing changed). */
  track(channels: readonly ChannelInfo[]): Readonly<Record<string, number[]>> {
    let changed = Object.keys(this.histories).length !== channels.length;
    const next: Record<string, number[]> = {};
    for (const channel of channels) {
      const key = String(channel.id);
      const history = this.histories[key] ?? [];
      const rtt = channel.heartbeat?.rtt_ms ?? null;
      const pongAt = channel.heartbeat?.last_pong_at ?? null;
      if (rtt !== null && pongAt !== null && this.pongs.get(channel.id) !== pongAt) {
        this.pongs.set(channel.id, pongAt);
        next[key] = [...history, rtt].slice(-RTT_HISTORY_LENGTH);
        changed = true;
      } else {
        next[key] = history;
        if (this.histories[key] === undefined) changed = true;
      }
    }
    for (const id of [...this.pongs.keys()]) if (next[String(id)] === undefined) this.pongs.delete(id);
    if (changed) this.histories = next;
    return this.histories;
  }
}
