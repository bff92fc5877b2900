/**
 * How often each limit refused something, for `/metrics` (netunnel_limit_refusals_total); each
 * refusal is also announced ('refused'), with what is known of it, for the event stream.
 */
import {EventEmitter} from 'node:events';
import {LIMIT_NAMES, type LimitName} from './server-limits.js';

/** What a refusal point knows of what it refused. */
export interface LimitRefusal {
  /** The client's, when one client's request, websocket or connection was refused. */
  remoteAddress?: string | undefined;
  /** What the client was told (or, when it was told nothing, what happened). */
  message?: string | undefined;
}

interface LimitRefusalsEvents {
  refused: [LimitName, LimitRefusal];
}

export class LimitRefusals extends EventEmitter<LimitRefusalsEvents> {
  private readonly counts = new Map<LimitName, number>(LIMIT_NAMES.map((name) => [name, 0]));

  count(limit: LimitName, refusal: LimitRefusal = {}): void {
    this.counts.set(limit, (this.counts.get(limit) ?? 0) + 1);
    this.emit('refused', limit, refusal);
  }

  get(limit: LimitName): number {
    return this.counts.get(limit) ?? 0;
  }

  /** Every limit, those that never refused anything included (Prometheus wants the zeros). */
  all(): Array<[LimitName, number]> {
    return [...this.counts];
  }
}
