/**
 * How far this machine's clock is from a server's, from the `at` of its frames: ages and idle
 * times of connections are the server's timestamps read against the console's clock, and a
 * server whose clock is a minute off would show every connection idle for a minute. The
 * offset includes the frame's trip (milliseconds), so it only moves when it moved by more than
 * a second: a new value would redraw every aged row.
 */

/** Moves smaller than this are jitter and the frame's trip, not the clock. */
export const CLOCK_STEP_MS = 1000;

/** A server's timestamp (ISO 8601) in ms; undefined when there is none or it is not a time. */
export function serverTime(iso: string | undefined): number | undefined {
  const parsed = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * The offset (local minus server, ms) after a frame sent at `at` (server time) arrived at
 * `receivedAt` (local): the previous one unless it is more than CLOCK_STEP_MS off.
 */
export function nextClockOffset(previous: number, at: string, receivedAt: number): number {
  const sent = serverTime(at);
  if (sent === undefined) return previous;
  const measured = receivedAt - sent;
  return Math.abs(measured - previous) > CLOCK_STEP_MS ? Math.round(measured) : previous;
}

/** The server's time now, by the console's clock and the offset. */
export function serverNow(offsetMs: number, now = Date.now()): number {
  return now - offsetMs;
}
