/**
 * The one backoff of the code base: the pause before retrying something that failed, `minMs`
 * after the first failure, `factor` times longer after each further one up to `maxMs`, back to
 * `minMs` after a success. `jitter` spreads the pauses of many retrying parties (clients after a
 * server restart) by up to that fraction either way. Each user has its policy: the websocket
 * supply and pool (below), the event stream, static tunnels, the console's reconnects.
 */

export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
  /** Default 2. */
  factor?: number;
  /** A fraction: 0.25 is +-25% (default 0: exact pauses). */
  jitter?: number;
}

/**
 * The pause before the `retry`-th retry in a row (1: the first), or before the first retry after
 * a success for `retry` 0.
 */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.minMs * (policy.factor ?? 2) ** Math.max(0, retry - 1));
  const jitter = policy.jitter ?? 0;
  return Math.round(base * (1 - jitter + random() * 2 * jitter));
}

/**
 * Getting a websocket (the classic pre-feeding, kept by the stream extension's pool): 200 ms
 * after the first failure, doubling up to 5 s. Without it an exit side that refuses would be
 * asked again at once, in a loop.
 */
export const FIRST_RETRY_MS = 200;
export const MAX_RETRY_MS = 5_000;
export const WEBSOCKET_RETRY: BackoffPolicy = {minMs: FIRST_RETRY_MS, maxMs: MAX_RETRY_MS};

/** Counts the failures in a row and answers the pause before the next attempt. */
export class RetryBackoff {
  private failures = 0;

  constructor(
    private readonly policy: BackoffPolicy = WEBSOCKET_RETRY,
    private readonly random: () => number = Math.random,
  ) {}

  /** The pause before the next attempt, after one more failure. */
  next(): number {
    this.failures += 1;
    return backoffDelay(this.policy, this.failures, this.random);
  }

  /** A success: the next failure pauses `minMs` again. */
  reset(): void {
    this.failures = 0;
  }
}
