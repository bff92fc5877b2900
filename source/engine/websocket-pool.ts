/**
 * The entrance side's pool of ready websockets for the stream extension
 * (docs/stream-extension.md section 6). It asks a requester for new websockets and does not care
 * who opens them: a client connecting (forward), or a server asking its client (reverse).
 *
 * - Floor: `minIdle` websockets idle or being opened.
 * - Growth ahead of demand: a take that leaves the pool under its floor asks for as many idle
 *   websockets as there are busy ones (capped at `maxIdle`), so under a burst the supply
 *   doubles per handshake round; a take that finds it empty gets a request of its own on top.
 * - Reuse: websockets come back after a clean connection (most recent first out, so the least
 *   used age); idle ones never exceed `maxIdle` (the excess is closed).
 * - Shrink: idle websockets above the floor unused for `idleTimeoutMs` are closed; that is not
 *   demand, so nothing replaces them.
 * - Failures: each refuses one waiting connection and pauses requests (websocket-request-loop.ts).
 * - The exit side's limit (`maxUnused`): websockets idle, asked for or being closed never exceed
 *   it (the exit side holds all of them), so a burst asks for them in rounds instead of all at
 *   once and is not refused for holding too many.
 * Replacements after a take are asked for on the next turn of the event loop, after the taker
 * sent its start frame (see websocket-supply.ts).
 */
import WebSocket from 'ws';
import {CloseCode} from '../protocol/stream-frames.js';
import {InvalidPoolOptionsError, SupplyStoppedError} from './engine-errors.js';
import {DEFAULT_POOL_SIZING, type PoolSizing} from './pool-sizing.js';
import {WebsocketRequestLoop, type WebsocketRequester} from './websocket-request-loop.js';
import type {IdleWatcher} from './idle-liveness.js';

export interface WebsocketPoolOptions extends PoolSizing {
  /**
   * Websockets carrying no connection (idle, asked for and not arrived yet, or closed by the
   * pool and not gone yet) never exceed this: the exit side's limit (default: none). At least maxIdle.
   */
  maxUnused?: number | undefined;
  /** Watches each websocket while it is idle (e.g. a server's heartbeat), as the classic supply does. */
  watchIdle?: IdleWatcher | undefined;
}

interface IdleEntry {
  since: number;
  unwatch: () => void;
}

interface Waiter {
  resolve(websocket: WebSocket): void;
  reject(error: Error): void;
}

type Membership = 'idle' | 'busy' | 'leaving';

/** ws calls listeners with the websocket as `this`: one function serves every idle websocket. */
function refuseFrameWhileIdle(this: WebSocket): void {
  // The exit speaks only after a start frame: anything on an idle websocket is a violation.
  this.close(CloseCode.violation, 'a frame on an idle websocket');
}

function ignoreError(): void {}

export class WebsocketPool {
  readonly minIdle: number;
  readonly maxIdle: number;
  readonly idleTimeoutMs: number;
  readonly maxUnused: number;
  private readonly watchIdle: IdleWatcher;
  /** Idle websockets, least recently used first. */
  private readonly idle: WebSocket[] = [];
  private readonly idleEntries = new Map<WebSocket, IdleEntry>();
  /** Every open websocket of the pool, idle or busy, until its close. */
  private readonly members = new Map<WebSocket, Membership>();
  private readonly waiters: Waiter[] = [];
  private readonly readyListeners: Waiter[] = [];
  private busy = 0;
  /** Closed by the pool, their closing handshake not done: the exit side still holds them. */
  private leaving = 0;
  private started = false;
  private stopped = false;
  private fillScheduled = false;
  private readonly requests: WebsocketRequestLoop;
  private shrinkTimer: NodeJS.Timeout | undefined;
  /** Websockets received so far (asked for or offered). */
  obtained = 0;
  /** Takes that found no idle websocket and had to wait for one. */
  waitedTakes = 0;

  constructor(requestWebsocket: WebsocketRequester, options: WebsocketPoolOptions = {}) {
    this.requests = new WebsocketRequestLoop(requestWebsocket, {
      received: (websocket) => this.receive(websocket),
      failed: (error) => {
        this.waiters.shift()?.reject(error);
        for (const listener of this.readyListeners.splice(0)) listener.reject(error);
      },
      pauseOver: () => this.fill(false),
    });
    this.minIdle = options.minIdle ?? DEFAULT_POOL_SIZING.minIdle;
    this.maxIdle = options.maxIdle ?? DEFAULT_POOL_SIZING.maxIdle;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_POOL_SIZING.idleTimeoutMs;
    this.maxUnused = options.maxUnused ?? Infinity;
    this.watchIdle = options.watchIdle ?? (() => () => {});
    if (!Number.isInteger(this.minIdle) || this.minIdle < 1 || !Number.isInteger(this.maxIdle) || this.maxIdle < this.minIdle) {
      throw new InvalidPoolOptionsError(`minIdle (${this.minIdle}) and maxIdle (${this.maxIdle}) must be integers with 1 <= minIdle <= maxIdle`);
    }
    if (!(this.maxUnused >= this.maxIdle)) throw new InvalidPoolOptionsError(`maxUnused (${this.maxUnused}) must be at least maxIdle (${this.maxIdle})`);
    if (!(this.idleTimeoutMs > 0)) throw new InvalidPoolOptionsError(`idleTimeoutMs must be positive, not ${this.idleTimeoutMs}`);
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** Websockets carrying a connection. */
  get busyCount(): number {
    return this.busy;
  }

  /** Websockets asked for and not arrived yet. */
  get openingCount(): number {
    return this.requests.inFlight;
  }

  /** The last reason a websocket could not be had, for status displays. */
  get lastError(): string | undefined {
    return this.requests.lastError;
  }

  /** Websockets the pool closed whose closing handshake is not done yet. */
  get closingCount(): number {
    return this.leaving;
  }

  /** Starts asking for websockets; until then, take() waits. */
  start(): void {
    this.started = true;
    this.fill(false);
  }

  /** Resolves once a websocket is idle; rejects if the next attempt to get one fails. */
  whenReady(): Promise<void> {
    if (this.idle.length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyListeners.push({resolve: () => resolve(), reject}));
  }

  /** An idle websocket at once, if there is one. */
  takeIdle(): WebSocket | undefined {
    if (this.stopped) return undefined;
    for (let websocket = this.idle.pop(); websocket !== undefined; websocket = this.idle.pop()) {
      this.leaveIdle(websocket);
      if (websocket.readyState !== WebSocket.OPEN) continue;
      this.members.set(websocket, 'busy');
      this.busy += 1;
      this.fillSoon();
      return websocket;
    }
    return undefined;
  }

  /** A websocket dedicated to the caller until it gives it back or it closes. */
  take(): Promise<WebSocket> {
    if (this.stopped) return Promise.reject(new SupplyStoppedError());
    const websocket = this.takeIdle();
    if (websocket) return Promise.resolve(websocket);
    this.waitedTakes += 1;
    return new Promise<WebSocket>((resolve, reject) => {
      this.waiters.push({resolve, reject});
      this.fill(true);
    });
  }

  /** A websocket whose connection ended cleanly: it may carry the next one. */
  giveBack(websocket: WebSocket): void {
    if (this.members.get(websocket) !== 'busy') return;
    this.busy -= 1;
    this.admit(websocket);
  }

  /** A websocket that arrived without being asked for (or after its request timed out). */
  offer(websocket: WebSocket): void {
    this.receive(websocket);
  }

  stop(): void {
    this.stopped = true;
    this.requests.stop();
    clearTimeout(this.shrinkTimer);
    for (const websocket of this.idle.splice(0)) {
      this.leaveIdle(websocket);
      this.close(websocket);
    }
    for (const waiter of this.waiters.splice(0)) waiter.reject(new SupplyStoppedError());
    for (const listener of this.readyListeners.splice(0)) listener.reject(new SupplyStoppedError());
  }

  /** A replenishment once the taker has used the websocket it was just given. */
  private fillSoon(): void {
    // What fill(true) would find: enough idle ones and nobody waiting, nothing to ask for (a
    // later take that leaves fewer schedules its own). Most takes are so: no turn of the loop each.
    if (this.fillScheduled || (this.idle.length >= this.minIdle && this.waiters.length === 0)) return;
    this.fillScheduled = true;
    setImmediate(() => {
      this.fillScheduled = false;
      this.fill(true);
    });
  }

  /** `demand`: called because of a take, so the pool may grow ahead of it. */
  private fill(demand: boolean): void {
    if (!this.started || this.stopped || this.requests.paused) return;
    const drained = demand && this.idle.length < this.minIdle;
    const spare = drained ? Math.min(this.maxIdle, Math.max(this.minIdle, this.busy)) : this.minIdle;
    const unused = this.idle.length + this.requests.inFlight + this.leaving;
    // Under the exit side's limit, the waiters beyond it are served as the asked-for ones arrive.
    const wanted = Math.min(this.waiters.length + spare - unused, this.maxUnused - unused);
    for (let count = 0; count < wanted; count += 1) this.requests.request();
  }

  /** A new websocket: to a waiter, else idle. */
  private receive(websocket: WebSocket): void {
    if (this.stopped || websocket.readyState !== WebSocket.OPEN) {
      this.close(websocket);
      return;
    }
    this.obtained += 1;
    websocket.on('error', ignoreError);
    websocket.once('close', () => this.left(websocket));
    this.admit(websocket);
  }

  /** A member websocket that carries nothing: to a waiter, else idle, else closed. */
  private admit(websocket: WebSocket): void {
    if (this.stopped || websocket.readyState !== WebSocket.OPEN) {
      this.dismiss(websocket);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      this.members.set(websocket, 'busy');
      this.busy += 1;
      waiter.resolve(websocket);
      this.fillSoon();
      return;
    }
    if (this.idle.length >= this.maxIdle) {
      this.dismiss(websocket);
      return;
    }
    this.members.set(websocket, 'idle');
    this.idle.push(websocket);
    this.idleEntries.set(websocket, {since: Date.now(), unwatch: this.watchIdle(websocket)});
    websocket.on('message', refuseFrameWhileIdle);
    // Idle, but still read: the exit side's close must be noticed.
    websocket.resume();
    this.armShrink();
    for (const listener of this.readyListeners.splice(0)) listener.resolve(websocket);
  }

  private left(websocket: WebSocket): void {
    const membership = this.members.get(websocket);
    this.members.delete(websocket);
    if (membership === 'busy') this.busy -= 1;
    if (membership === 'leaving') {
      this.leaving -= 1;
      // Under the exit side's limit, waiters may have waited for it to be gone.
      if (this.waiters.length > 0) this.fill(false);
    }
    if (membership === 'idle') {
      const index = this.idle.indexOf(websocket);
      if (index !== -1) this.idle.splice(index, 1);
      this.leaveIdle(websocket);
      // Lost from under the floor (the exit side closed it): keep the floor, nothing more.
      this.fill(false);
    }
  }

  private armShrink(): void {
    if (this.shrinkTimer || this.stopped || this.idle.length <= this.minIdle) return;
    const oldest = this.idleEntries.get(this.idle[0]!)!.since;
    this.shrinkTimer = setTimeout(() => this.shrink(), Math.max(1, oldest + this.idleTimeoutMs - Date.now()));
    this.shrinkTimer.unref();
  }

  private shrink(): void {
    this.shrinkTimer = undefined;
    const now = Date.now();
    while (this.idle.length > this.minIdle) {
      const oldest = this.idle[0]!;
      if (this.idleEntries.get(oldest)!.since + this.idleTimeoutMs > now) break;
      this.idle.shift();
      this.leaveIdle(oldest);
      this.dismiss(oldest);
    }
    this.armShrink();
  }

  /** Undoes what being idle set up: the violation listener and the watcher. */
  private leaveIdle(websocket: WebSocket): void {
    websocket.off('message', refuseFrameWhileIdle);
    this.idleEntries.get(websocket)?.unwatch();
    this.idleEntries.delete(websocket);
  }

  /** A member closed by the pool: it counts as unused until its close is done. */
  private dismiss(websocket: WebSocket): void {
    this.members.set(websocket, 'leaving');
    this.leaving += 1;
    this.close(websocket);
  }

  private close(websocket: WebSocket): void {
    // A fresh websocket may come paused: it must read the other side's goodbye, or its closing
    // handshake (and its socket) would hang on for ws's 30 s close timeout.
    websocket.resume();
    websocket.close(CloseCode.idle);
  }
}
