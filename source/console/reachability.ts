/**
 * The reachability lifecycle of one server, and its record: whether it counts as reconnecting
 * or down, how long to wait before trying it again (the backoff of engine/retry-backoff.ts
 * doubles from the first wait to the longest, and starts over once the server answers), and
 * how the link has been doing (round trips, the last answer, reconnects, the last loss and
 * why). Time is given by the caller, so the rules are tested without waiting.
 */
import {RetryBackoff} from '../engine/retry-backoff.js';
import type {ServerHealth} from './store.js';

export interface ReachabilityTiming {
  /** First and longest wait before retrying a server that cannot be reached. */
  retryMinMs: number;
  retryMaxMs: number;
  /** A server still unreachable this long after it was lost is shown down, not reconnecting. */
  downAfterMs: number;
}

/** Round trips kept for the sparkline of a server's tab. */
export const RTT_HISTORY_LENGTH = 8;

/** What reached() says: whether the server came back after a loss, and after how long. */
export interface Arrival {
  returned: boolean;
  /** How long it was lost (when it returned). */
  lostForMs: number;
  /** Why it had been lost (when it returned). */
  lostBecause: string | null;
}

export class Reachability {
  private everConnected = false;
  private lostAt: number | undefined;
  private readonly backoff: RetryBackoff;
  private record: ServerHealth = {rttHistory: [], lastAnswerAt: null, reconnects: 0, lastLoss: null};

  constructor(private readonly timing: ReachabilityTiming) {
    this.backoff = new RetryBackoff({minMs: timing.retryMinMs, maxMs: timing.retryMaxMs});
  }

  /** Whether the server ever answered (only then is what is shown of it stale when it goes). */
  get wasReached(): boolean {
    return this.everConnected;
  }

  /** How the link has been doing, as the server's view shows it. */
  get health(): ServerHealth {
    return this.record;
  }

  /** The server answered at `now` (a stream snapshot, a poll). */
  reached(now: number): Arrival {
    const lostAt = this.lostAt;
    const returned = this.everConnected && lostAt !== undefined;
    this.everConnected = true;
    this.lostAt = undefined;
    this.backoff.reset();
    this.record = {...this.record, lastAnswerAt: now, reconnects: this.record.reconnects + (returned ? 1 : 0)};
    return {returned, lostForMs: returned ? now - lostAt : 0, lostBecause: returned ? (this.record.lastLoss?.reason ?? null) : null};
  }

  /** A round trip measured at `now` (the probe): the server answered. */
  measured(now: number, rttMs: number): void {
    this.record = {...this.record, lastAnswerAt: now, rttHistory: [...this.record.rttHistory, rttMs].slice(-RTT_HISTORY_LENGTH)};
  }

  /** The server could not be reached at `now`: a server never reached, or lost for long, is down. */
  lost(now: number, reason: string): 'reconnecting' | 'down' {
    if (this.lostAt === undefined && this.everConnected) this.record = {...this.record, lastLoss: {at: now, reason}};
    this.lostAt ??= now;
    return !this.everConnected || now - this.lostAt >= this.timing.downAfterMs ? 'down' : 'reconnecting';
  }

  /** The wait before the next try (each one twice the last, up to retryMaxMs). */
  nextRetryDelay(): number {
    return this.backoff.next();
  }
}
