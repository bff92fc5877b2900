/** How big a pool of ready websockets is (websocket-pool.ts), and fitting that within an exit side's limit. */

/** What a user of a pool may size; the rest (the exit side's limit, a watcher) is its owner's. */
export interface PoolSizing {
  /** Idle websockets kept at all times (default 1, as the classic pre-feeding). */
  minIdle?: number | undefined;
  /** Idle websockets never exceed this (default 32). */
  maxIdle?: number | undefined;
  /** An idle websocket above the floor is closed after this long unused (default 30 s). */
  idleTimeoutMs?: number | undefined;
}

export const DEFAULT_POOL_SIZING = {minIdle: 1, maxIdle: 256, idleTimeoutMs: 30_000} as const;

/** `sizing` within an exit side's limit of unused websockets: maxIdle, then minIdle, lowered to fit it. */
export function sizedWithin(limit: number, sizing: PoolSizing = {}): PoolSizing & {maxUnused: number} {
  const maxIdle = Math.min(sizing.maxIdle ?? DEFAULT_POOL_SIZING.maxIdle, limit);
  return {...sizing, maxIdle, minIdle: Math.min(sizing.minIdle ?? DEFAULT_POOL_SIZING.minIdle, maxIdle), maxUnused: limit};
}
