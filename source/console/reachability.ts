/**
 * Whether a server counts as reconnecting or down, and how long to wait before trying it
 * again: the backoff doubles from the first wait to the longest, and starts over once the
 * server answers. Time is given by the caller, so the rules are tested without waiting.
 */

export interface ReachabilityTiming {
  /** First and longest wait before retrying a server that cannot be reached. */
  retryMinMs: number;
  retryMaxMs: number;
  /** A server still unreachable this long after it was lost is shown down, not reconnecting. */
  downAfterMs: number;
}

export class Reachability {
  private everConnected = false;
  private lostAt: number | undefined;
  private retryDelay: number;

  constructor(private readonly timing: ReachabilityTiming) {
    this.retryDelay = timing.retryMinMs;
  }

  /** The server answered. */
  reached(): void {
    this.everConnected = true;
    this.lostAt = undefined;
    this.retryDelay = this.timing.retryMinMs;
  }

  /** The server could not be reached at `now`: a server never reached, or lost for long, is down. */
  lost(now: number): 'reconnecting' | 'down' {
    this.lostAt ??= now;
    return !this.everConnected || now - this.lostAt >= this.timing.downAfterMs ? 'down' : 'reconnecting';
  }

  /** The wait before the next try (each one twice the last, up to retryMaxMs). */
  nextRetryDelay(): number {
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.timing.retryMaxMs, this.retryDelay * 2);
    return delay;
  }
}
