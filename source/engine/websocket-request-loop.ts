/**
 * Asking the exit side for websockets, as the classic supply and the stream pool both do: the
 * requests in flight are counted; a failure is handed to the owner (who refuses a waiting
 * connection with it) and pauses the asking, one pause at a time and growing with each failure
 * in a row (retry-backoff.ts); after the pause the owner asks again for what it still lacks.
 */
import type WebSocket from 'ws';
import {messageOf} from '../protocol/errors.js';
import {RetryBackoff} from './retry-backoff.js';

/** Produces one new open websocket to the exit side (a connect, or a request to the client). */
export type WebsocketRequester = () => Promise<WebSocket>;

export interface RequestLoopOwner {
  /** A websocket asked for has come. */
  received(websocket: WebSocket): void;
  /** A request failed with `error`. */
  failed(error: Error): void;
  /** The pause after a failure is over. */
  pauseOver(): void;
}

export class WebsocketRequestLoop {
  /** Requests sent whose websocket has not come yet. */
  inFlight = 0;
  /** The last reason a websocket could not be had (until the next one comes), for status displays. */
  lastError: string | undefined;
  private readonly backoff = new RetryBackoff();
  private pause: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly requestWebsocket: WebsocketRequester,
    private readonly owner: RequestLoopOwner,
  ) {}

  /** After a failure, until the pause is over: no requests. */
  get paused(): boolean {
    return this.pause !== undefined;
  }

  request(): void {
    this.inFlight += 1;
    this.requestWebsocket().then(
      (websocket) => {
        this.inFlight -= 1;
        this.backoff.reset();
        this.lastError = undefined;
        this.owner.received(websocket);
      },
      (error: unknown) => {
        this.inFlight -= 1;
        this.lastError = messageOf(error);
        this.owner.failed(error instanceof Error ? error : new Error(String(error)));
        if (this.stopped || this.pause) return;
        this.pause = setTimeout(() => {
          this.pause = undefined;
          this.owner.pauseOver();
        }, this.backoff.next());
        this.pause.unref();
      },
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.pause);
  }
}
