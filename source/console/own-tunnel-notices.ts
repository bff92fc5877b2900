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

/**
 * The notices of one server's own tunnels, in the order they are to be read: the reopening of
 * the tunnels may come before the live connection sees the server again, and the news of the
 * server's return must not then hide it from the status line.
 */
export class OwnTunnelNotices {
  /** The reopening's notice while the live connection still counts the server as away. */
  private reopenedWhileAway: string | null = null;

  constructor(
    private readonly server: string,
    private readonly say: (notice: string) => void,
  ) {}

  /** The console's channel was lost; `waiting` tunnels are to be reopened. */
  lost(reason: string, waiting: number): void {
    this.reopenedWhileAway = null;
    this.say(ownChannelLostNotice(this.server, reason, waiting));
  }

  /** An attempt at reopening ended; `serverReached`: the live connection counts the server as there. */
  reopened(reopened: number, failures: readonly string[], serverReached: boolean): void {
    const notice = reopenedNotice(this.server, reopened, failures);
    this.reopenedWhileAway = serverReached ? null : notice;
    this.say(notice);
  }

  /** The live connection reaches the server; `back`: again, after it was away. */
  reached(back?: {away: string; lostBecause: string | null}): void {
    if (back) this.say(serverBackNotice(this.server, back.away, back.lostBecause, this.reopenedWhileAway));
    this.reopenedWhileAway = null;
  }
}
