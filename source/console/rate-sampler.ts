/**
 * The rates and sparklines of the Tunnels pane: each sample compares a tunnel's byte count
 * (both ways) with the previous sample's, and keeps the last HISTORY_LENGTH rates. Time is
 * given by the caller, so the arithmetic is tested without waiting.
 */

/** Samples kept per tunnel for its sparkline. */
export const HISTORY_LENGTH = 10;

export interface CountedTunnel {
  /** tunnelKey: `channel/tunnel`. */
  key: string;
  /** Bytes both ways so far. */
  bytes: number;
}

interface Sample {
  bytes: number;
  at: number;
}

export class RateSampler {
  private readonly samples = new Map<string, Sample>();
  private readonly histories = new Map<string, number[]>();

  /** Starts counting the tunnels seen for the first time and forgets those gone. */
  track(tunnels: readonly CountedTunnel[], now: number): void {
    const live = new Set<string>();
    for (const tunnel of tunnels) {
      live.add(tunnel.key);
      if (!this.samples.has(tunnel.key)) this.samples.set(tunnel.key, {bytes: tunnel.bytes, at: now});
    }
    for (const key of [...this.samples.keys()]) {
      if (!live.has(key)) {
        this.samples.delete(key);
        this.histories.delete(key);
      }
    }
  }

  /** The last rates of a tunnel, oldest first (bytes per second). */
  history(key: string): number[] {
    return this.histories.get(key) ?? [];
  }

  /** Takes one rate sample per tunnel; a tunnel whose counters did not move gets 0. */
  sample(tunnels: readonly CountedTunnel[], now: number): void {
    for (const tunnel of tunnels) {
      const previous = this.samples.get(tunnel.key);
      this.samples.set(tunnel.key, {bytes: tunnel.bytes, at: now});
      if (!previous) continue;
      const seconds = Math.max(0.001, (now - previous.at) / 1000);
      const rate = Math.max(0, (tunnel.bytes - previous.bytes) / seconds);
      const history = this.history(tunnel.key);
      // An idle tunnel whose sparkline is already flat does not change at all.
      if (rate === 0 && history.every((value) => value === 0)) continue;
      this.histories.set(tunnel.key, [...history, rate].slice(-HISTORY_LENGTH));
    }
  }
}
