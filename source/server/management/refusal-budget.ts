/**
 * How many refusal events `/events` sends per stats interval. Refusals come at the rate a
 * stranger chooses (a script retrying a wrong secret), so past the budget they are only
 * counted, by type, and the counts go out once per interval as one `events.suppressed` frame.
 */
import type {ServerEvent} from '../../protocol/server-events.js';

export class RefusalBudget {
  private sentThisInterval = 0;
  private suppressed = new Map<string, number>();

  constructor(private readonly perInterval: number) {}

  /** True: send this event now; false: it was counted instead. */
  admit(type: string): boolean {
    if (this.sentThisInterval < this.perInterval) {
      this.sentThisInterval += 1;
      return true;
    }
    this.suppressed.set(type, (this.suppressed.get(type) ?? 0) + 1);
    return false;
  }

  /** Starts a new interval; the frame of what the last one suppressed, if anything. */
  nextInterval(now = Date.now()): ServerEvent | undefined {
    this.sentThisInterval = 0;
    if (this.suppressed.size === 0) return undefined;
    const counts = Object.fromEntries(this.suppressed);
    this.suppressed = new Map();
    return {type: 'events.suppressed', at: new Date(now).toISOString(), counts};
  }
}
