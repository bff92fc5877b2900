/**
 * The pause between failed attempts to get a websocket (the classic pre-feeding's, kept by the
 * stream extension's pool): 200 ms after the first failure, doubling up to 5 s, back to the
 * start after a success. Without it an exit side that refuses would be asked again at once,
 * in a loop.
 */
export const FIRST_RETRY_MS = 200;
export const MAX_RETRY_MS = 5_000;

export class RetryBackoff {
  private delayMs = 0;

  /** The pause before the next attempt, after one more failure. */
  next(): number {
    this.delayMs = Math.min(MAX_RETRY_MS, this.delayMs === 0 ? FIRST_RETRY_MS : this.delayMs * 2);
    return this.delayMs;
  }

  reset(): void {
    this.delayMs = 0;
  }
}
