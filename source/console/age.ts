/**
 * How long ago a server's timestamp was, by the console's clock and the server's clock offset
 * (server-clock.ts), in the coarse units of the Connections pane: whole seconds under a
 * minute, then minutes, hours, days. Coarse on purpose: a row changes on screen at most once a
 * second, and once a minute after the first minute.
 */
import {serverNow, serverTime} from './server-clock.js';

/** ms since `iso` (server time), never negative; null when `iso` is not a time. */
export function ageOf(iso: string, clockOffsetMs: number, now = Date.now()): number | null {
  const then = serverTime(iso);
  if (then === undefined) return null;
  return Math.max(0, serverNow(clockOffsetMs, now) - then);
}

/** `0s`, `59s`, `1m`, `59m`, `1h`, `23h`, `1d`; '-' for none. */
export function formatAge(ms: number | null): string {
  if (ms === null) return '-';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
