/**
 * Traffic counters of one tunnel side: connections and bytes in each direction.
 * Plain number fields, incremented in place on the byte path (no allocation, no events).
 * Once per connection (never per byte) it also records how long the connection took to
 * connect and how long it lasted, for the percentiles a console shows.
 */
import {LatencySamples} from './latency-samples.js';

export class TunnelTraffic {
  /** Bytes that entered at the entrance and left at the exit. */
  bytesToExit = 0;
  /** Bytes that came back from the exit to the entrance. */
  bytesToEntrance = 0;
  activeConnections = 0;
  totalConnections = 0;
  /** How long recently finished connections lasted (ms). */
  readonly durations = new LatencySamples();
  /**
   * How long recent connections took to connect at this side (ms): at an exit from the start
   * marker's (or frame's) arrival to the target's connect, at an entrance from the accept to
   * the start marker (or frame) sent.
   */
  readonly connectTimes = new LatencySamples();

  connectionOpened(): void {
    this.activeConnections += 1;
    this.totalConnections += 1;
  }

  connectionClosed(durationMs: number): void {
    this.activeConnections -= 1;
    this.durations.add(durationMs);
  }
}
