/**
 * The server's heartbeat for the websockets of one tunnel that wait carrying nothing (ready
 * websockets of the classic wire, idle ones of the stream extension): the rule of watchLiveness
 * (heartbeat.ts), death after two whole intervals without a sign of life, with one sweep timer
 * for all of them. A websocket of the stream extension goes idle after every connection it
 * carries: a timer pair and four listeners each time cost more than the connection's own
 * bookkeeping.
 */
import WebSocket from 'ws';
import {DEFAULT_HEARTBEAT_MS, terminateSilent} from './heartbeat.js';

/** Called when a websocket becomes idle (e.g. to start a heartbeat); what it returns, when it is taken. */
export type IdleWatcher = (websocket: WebSocket) => () => void;

interface Watched {
  /** Date.now() of the last pong or ping; reset when the websocket goes idle. */
  lastSign: number;
}

export class IdleLiveness {
  private readonly watched = new Map<WebSocket, Watched>();
  /** Websockets that already have this heartbeat's listeners (kept for their whole life). */
  private readonly listening = new WeakSet<WebSocket>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number = DEFAULT_HEARTBEAT_MS) {}

  /** Watches `websocket` from now until the returned function is called (or it closes). */
  readonly watch: IdleWatcher = (websocket) => {
    this.watched.set(websocket, {lastSign: Date.now()});
    if (!this.listening.has(websocket)) {
      this.listening.add(websocket);
      const sign = () => {
        const entry = this.watched.get(websocket);
        if (entry) entry.lastSign = Date.now();
      };
      websocket.on('pong', sign);
      websocket.on('ping', sign);
      websocket.once('close', () => this.watched.delete(websocket));
    }
    if (this.sweeper === undefined) {
      // Every half interval a ping, so a pong has well over an interval to come back before the
      // deadline; a death is seen between two and two and a half intervals of silence.
      this.sweeper = setInterval(() => this.sweep(), this.intervalMs / 2);
      this.sweeper.unref();
    }
    return () => {
      this.watched.delete(websocket);
    };
  };

  /** How many websockets are watched now. */
  get size(): number {
    return this.watched.size;
  }

  /** The sweep timer runs. */
  get sweeping(): boolean {
    return this.sweeper !== undefined;
  }

  private sweep(): void {
    // Stopped at the first sweep with nothing to watch, not at each unwatch: websockets of the
    // stream extension leave and rejoin between every two connections.
    if (this.watched.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    const now = Date.now();
    for (const [websocket, entry] of this.watched) {
      if (now - entry.lastSign >= 2 * this.intervalMs) {
        this.watched.delete(websocket);
        terminateSilent(websocket, now - entry.lastSign);
      } else if (websocket.readyState === WebSocket.OPEN) {
        websocket.ping();
      }
    }
  }
}
