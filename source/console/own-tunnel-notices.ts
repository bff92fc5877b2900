/** What the status line says when the console's own channel on a server is lost, when its tunnels are reopened, and when the server is back. */

/** The channel was lost (`reason`, the client's words); `waiting` tunnels are to be reopened. */
export function ownChannelLostNotice(server: string, reason: string, waiting: number): string {
  if (waiting === 0) return `${reason}; the console's channel on ${server} closed`;
  // The reason names the server (its URL); the rows say which tunnels (`reopening`).
  return `${reason}; the console's ${waiting} tunnel(s) reopen when it is back`;
}

/** An attempt at reopening: how many are open again, and why the others are not (yet). */
export function reopenedNotice(server: string, reopened: number, failures: readonly string[]): string {
  if (failures.length === 0) return `Reopened the console's ${reopened} tunnel(s) on ${server}, on the same ports`;
  const done = reopened > 0 ? `Reopened ${reopened} tunnel(s) on ${server}; ` : '';
  return `${done}cannot reopen ${failures.length} on ${server} yet (retrying): ${failures[0]}`;
}

/** The live connection reaches the server again, after `away`; `reopened` is the reopening's notice if it came first. */
export function serverBackNotice(server: string, away: string, lostBecause: string | null, reopened: string | null): string {
  const because = lostBecause === null ? '' : ` (lost: ${lostBecause})`;
  if (reopened === null) return `${server} is back after ${away}${because}`;
  return `${reopened}; it was away ${away}${because}`;
}
