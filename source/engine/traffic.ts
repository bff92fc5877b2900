/**
 * Traffic counters of one tunnel side: connections and bytes in each direction.
 * Plain number fields, incremented in place on the byte path (no allocation, no events).
 */

/** How long the duration samples are kept, for the percentiles a console shows. */
const DURATION_WINDOW_MS = 5 * 60 * 1000;
const MAX_DURATION_SAMPLES = 2048;

export class TunnelTraffic {
  /** Bytes that entered at the entrance and left at the exit. */
  bytesToExit = 0;
  /** Bytes that came back from the exit to the entrance. */
  bytesToEntrance = 0;
  activeConnections = 0;
  totalConnections = 0;
  /** [endedAt, durationMs] pairs of recently finished connections, oldest first. */
  private readonly durations: Array<[number, number]> = [];

  connectionOpened(): void {
    this.activeConnections += 1;
    this.totalConnections += 1;
  }

  connectionClosed(durationMs: number): void {
    this.activeConnections -= 1;
    const now = Date.now();
    this.durations.push([now, durationMs]);
    if (this.durations.length > MAX_DURATION_SAMPLES) this.durations.shift();
  }

  /** Percentiles (0..100) of the durations of connections that ended in the last minutes. */
  durationPercentiles(percentiles: number[]): Record<string, number | null> {
    const horizon = Date.now() - DURATION_WINDOW_MS;
    while (this.durations.length > 0 && this.durations[0]![0] < horizon) this.durations.shift();
    const sorted = this.durations.map(([, duration]) => duration).sort((a, b) => a - b);
    const result: Record<string, number | null> = {};
    for (const percentile of percentiles) {
      result[`p${percentile}`] =
        sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((percentile / 100) * sorted.length) - 1)]!;
    }
    return result;
  }
}
