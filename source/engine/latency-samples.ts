/**
 * Recent samples of one measure in milliseconds (how long connections lasted, how long they
 * took to connect), for a console: percentiles over the last minutes, and the median of each of
 * the last seconds for a sparkline. Recorded once per connection, never per byte; the sorting
 * happens when someone asks, at most once per change.
 */

/** How long samples count toward the percentiles. */
export const SAMPLE_WINDOW_MS = 5 * 60 * 1000;
/** At most this many samples count toward the percentiles (the most recent ones). */
export const MAX_SAMPLES = 2048;
/** Seconds in the per-second history. */
export const HISTORY_SECONDS = 30;
/** Samples kept per second for its median: beyond it, a uniform sample of that second's (reservoir). */
const SAMPLES_PER_SECOND = 256;

export interface Percentiles {
  p50: number | null;
  p90: number | null;
}

interface SecondBucket {
  /** Seconds since the epoch. */
  second: number;
  samples: number[];
  /** Samples offered during that second (more than kept, past SAMPLES_PER_SECOND). */
  seen: number;
  /** Computed once the second is over. */
  median: number | null | undefined;
}

function percentileOf(sorted: ArrayLike<number>, percentile: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((percentile / 100) * sorted.length) - 1)]!;
}

export class LatencySamples {
  /** The window: a ring of MAX_SAMPLES (time, ms) slots, `count` of them used from `oldest` on; made at the first sample. */
  private windowAt = new Float64Array(0);
  private windowMs = new Float64Array(0);
  private oldest = 0;
  private count = 0;
  private cached: Percentiles | undefined;
  /** One bucket per second, reused round robin (HISTORY_SECONDS + the current one). */
  private readonly seconds: Array<SecondBucket | undefined> = new Array<SecondBucket | undefined>(HISTORY_SECONDS + 1);

  constructor(private readonly now: () => number = Date.now) {}

  add(ms: number): void {
    const at = this.now();
    const slot = (this.oldest + this.count) % MAX_SAMPLES;
    if (this.windowAt.length === 0) {
      this.windowAt = new Float64Array(MAX_SAMPLES);
      this.windowMs = new Float64Array(MAX_SAMPLES);
    }
    this.windowAt[slot] = at;
    this.windowMs[slot] = ms;
    if (this.count < MAX_SAMPLES) this.count += 1;
    else this.oldest = (this.oldest + 1) % MAX_SAMPLES;
    this.cached = undefined;
    const second = Math.floor(at / 1000);
    const index = second % this.seconds.length;
    let bucket = this.seconds[index];
    if (bucket?.second !== second) {
      bucket = {second, samples: [], seen: 0, median: undefined};
      this.seconds[index] = bucket;
    }
    bucket.seen += 1;
    if (bucket.samples.length < SAMPLES_PER_SECOND) bucket.samples.push(ms);
    else {
      const slot = Math.floor(Math.random() * bucket.seen);
      if (slot < SAMPLES_PER_SECOND) bucket.samples[slot] = ms;
    }
  }

  /** p50 and p90 of the samples of the last SAMPLE_WINDOW_MS (null: none). */
  percentiles(): Percentiles {
    const horizon = this.now() - SAMPLE_WINDOW_MS;
    while (this.count > 0 && this.windowAt[this.oldest]! < horizon) {
      this.oldest = (this.oldest + 1) % MAX_SAMPLES;
      this.count -= 1;
      this.cached = undefined;
    }
    if (!this.cached) {
      const sorted = new Float64Array(this.count);
      for (let index = 0; index < this.count; index += 1) sorted[index] = this.windowMs[(this.oldest + index) % MAX_SAMPLES]!;
      // A typed array sorts by number.
      sorted.sort();
      this.cached = {p50: percentileOf(sorted, 50), p90: percentileOf(sorted, 90)};
    }
    return this.cached;
  }

  /**
   * The median of each of the last HISTORY_SECONDS whole seconds, oldest first (the second
   * under way is not in it yet); null for a second without samples.
   */
  history(): Array<number | null> {
    const current = Math.floor(this.now() / 1000);
    const values: Array<number | null> = [];
    for (let second = current - HISTORY_SECONDS; second < current; second += 1) {
      const bucket = this.seconds[second % this.seconds.length];
      if (bucket?.second !== second) {
        values.push(null);
        continue;
      }
      if (bucket.median === undefined) bucket.median = percentileOf([...bucket.samples].sort((a, b) => a - b), 50);
      values.push(bucket.median);
    }
    return values;
  }
}
