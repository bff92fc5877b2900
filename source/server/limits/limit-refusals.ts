/** How often each limit refused something, for `/metrics` (netunnel_limit_refusals_total). */
import {LIMIT_NAMES, type LimitName} from './server-limits.js';

export class LimitRefusals {
  private readonly counts = new Map<LimitName, number>(LIMIT_NAMES.map((name) => [name, 0]));

  count(limit: LimitName): void {
    this.counts.set(limit, (this.counts.get(limit) ?? 0) + 1);
  }

  get(limit: LimitName): number {
    return this.counts.get(limit) ?? 0;
  }

  /** Every limit, those that never refused anything included (Prometheus wants the zeros). */
  all(): Array<[LimitName, number]> {
    return [...this.counts];
  }
}
