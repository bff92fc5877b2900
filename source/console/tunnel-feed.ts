/**
 * The Tunnels pane's rows of one server, with their rates and sparklines: the tunnels to show
 * (the server's, or the console's own: tunnel-rows.ts), sampled by a RateSampler when the
 * counters move (stats frames) and otherwise by a timer, so that a tunnel gone idle falls
 * back to 0.
 */
import {RateSampler} from './rate-sampler.js';
import type {StreamedTunnel} from './server-events.js';
import type {TunnelRow} from './store.js';
import {countedTunnels, tunnelRows, type OwnTunnels} from './tunnel-rows.js';

export interface TunnelFeedSource {
  /** The tunnels to show now. */
  tunnels(): StreamedTunnel[];
  own(): OwnTunnels;
  /** Whether stats frames come (our server): the timer then samples only once they stop. */
  streamed(): boolean;
  /** The new rows. */
  publish(rows: TunnelRow[], own: OwnTunnels): void;
}

export class TunnelFeed {
  private readonly sampler = new RateSampler();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly source: TunnelFeedSource,
    private readonly sampleMs: number,
  ) {}

  /** Builds and publishes the rows (a tunnel came, went, or its counters moved). */
  publish(): void {
    if (this.stopped) return;
    const own = this.source.own();
    const tunnels = this.source.tunnels();
    this.sampler.track(countedTunnels(tunnels), Date.now());
    const rows = tunnelRows(tunnels, own, (key) => this.sampler.history(key));
    this.source.publish(rows, own);
    this.schedule(rows.length > 0);
  }

  /** The counters moved (a stats frame): the rates are sampled now, in the same update. */
  sampleNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sample();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * Every sampleMs without events (the console's own counters), or, with events, only once
   * the frames have stopped for a while.
   */
  private schedule(needed: boolean): void {
    if (!needed || this.timer || this.stopped) return;
    const delay = this.source.streamed() ? this.sampleMs * 2.5 : this.sampleMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sample();
    }, delay);
    this.timer.unref?.();
  }

  private sample(): void {
    if (this.stopped) return;
    this.sampler.sample(countedTunnels(this.source.tunnels()), Date.now());
    this.publish();
  }
}
