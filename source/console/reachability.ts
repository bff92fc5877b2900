/**
 * Whether a server counts as reconnecting or down, and how long to wait before trying it
 * again: the backoff (engine/retry-backoff.ts) doubles from the first wait to the longest, and
 * starts over once the server answers. Time is given by the caller, so the rules are tested
 * without waiting.
 */
import {RetryBackoff} from '../engine/retry-backoff.js';

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
  private readonly backoff: RetryBackoff;

  constructor(private readonly timing: ReachabilityTiming) {
    this.backoff = new RetryBackoff({minMs: timing.retryMinMs, maxMs: timing.retryMaxMs});
  }

  /** The server answered. */
  reached(): void {
    this.everConnected = true;
    this.lostAt = undefined;
    this.backoff.reset();
  }

  /** The server could not be reached at `now`: a server never reached, or lost for long, is down. */
  lost(now: number): 'reconnecting' | 'down' {
    this.lostAt ??= now;
    return !this.everConnected || now - this.lostAt >= this.timing.downAfterMs ? 'down' : 'reconnecting';
  }

  /** The wait before the next try (each one twice the last, up to retryMaxMs). */
  nextRetryDelay(): number {
    return this.backoff.next();
  }
}
