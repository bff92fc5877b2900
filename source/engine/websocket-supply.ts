/**
 * Pre-feeding (PROTOCOL.md 3.3): the entrance side keeps one idle websocket ready, so an
 * accepted connection never waits for a handshake. Connections arriving together each get
 * their own websocket: while connections wait, one websocket per waiter is requested on top
 * of the spare.
 *
 * The replacement of a websocket just handed out is asked for on the next turn of the event
 * loop, not at once: a requester does synchronous work (a client's handshake request, a
 * server's control message), which would otherwise run before the connection that took the
 * websocket sends its start marker.
 */
import WebSocket from 'ws';
import {SupplyStoppedError} from './engine-errors.js';
import type {IdleWatcher} from './idle-liveness.js';
import {WebsocketRequestLoop, type WebsocketRequester} from './websocket-request-loop.js';


interface Waiter {
  resolve(websocket: WebSocket): void;
  reject(error: Error): void;
}

export class WebsocketSupply {
  /** Idle websockets, each with the close listener that removes it from here and its watcher's stop. */
  private readonly idle = new Map<WebSocket, {onIdleClose: () => void; unwatch: () => void}>();
  private readonly waiters: Waiter[] = [];
  private started = false;
  private stopped = false;
  private fillScheduled = false;
  private readonly readyListeners: Waiter[] = [];
  private readonly requests: WebsocketRequestLoop;

  constructor(
    requestWebsocket: WebsocketRequester,
    private readonly spare = 1,
    private readonly watchIdle: IdleWatcher = () => () => {},
  ) {
    this.requests = new WebsocketRequestLoop(requestWebsocket, {
      received: (websocket) => this.deliver(websocket),
      // A waiting connection cannot wait forever for an exit side that refuses: it is closed,
      // and new websockets are asked for again after a growing pause.
      failed: (error) => {
        this.waiters.shift()?.reject(error);
        for (const listener of this.readyListeners.splice(0)) listener.reject(error);
      },
      pauseOver: () => this.fill(),
    });
  }

  /** The last reason a websocket could not be had, for status displays. */
  get lastError(): string | undefined {
    return this.requests.lastError;
  }

  /** Starts asking for websockets; until then, take() waits. */
  start(): void {
    this.started = true;
    this.fill();
  }

  /**
   * Resolves once a spare websocket is ready (the 1.0.12 client's `wait_ready`); rejects if
   * the next attempt to get one fails, so a caller learns at once that the exit side refuses.
   */
  whenReady(): Promise<void> {
    if (this.idle.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyListeners.push({resolve: () => resolve(), reject}));
  }

  get idleCount(): number {
    return this.idle.size;
  }

  /** An open websocket dedicated to the caller. */
  take(): Promise<WebSocket> {
    if (this.stopped) return Promise.reject(new SupplyStoppedError());
    for (const [websocket, {onIdleClose, unwatch}] of this.idle) {
      this.idle.delete(websocket);
      websocket.off('close', onIdleClose);
      unwatch();
      if (websocket.readyState !== WebSocket.OPEN) continue;
      this.fillSoon();
      return Promise.resolve(websocket);
    }
    return new Promise<WebSocket>((resolve, reject) => {
      this.waiters.push({resolve, reject});
      this.fill();
    });
  }

  /** A websocket that arrived without being asked for (or after its request timed out). */
  offer(websocket: WebSocket): void {
    this.deliver(websocket);
  }

  stop(): void {
    this.stopped = true;
    this.requests.stop();
    for (const websocket of this.idle.keys()) websocket.close(1000);
    this.idle.clear();
    for (const waiter of this.waiters.splice(0)) waiter.reject(new SupplyStoppedError());
    for (const listener of this.readyListeners.splice(0)) listener.reject(new SupplyStoppedError());
  }

  /** A fill once the caller has used the websocket it was just given (see the top comment). */
  private fillSoon(): void {
    if (this.fillScheduled) return;
    this.fillScheduled = true;
    setImmediate(() => {
      this.fillScheduled = false;
      this.fill();
    });
  }

  private fill(): void {
    if (!this.started || this.stopped || this.requests.paused) return;
    const wanted = this.waiters.length + this.spare - this.idle.size - this.requests.inFlight;
    for (let count = 0; count < wanted; count += 1) this.requests.request();
  }

  private deliver(websocket: WebSocket): void {
    if (this.stopped || websocket.readyState !== WebSocket.OPEN) {
      // A fresh websocket comes paused: it must read the other side's goodbye, or its closing
      // handshake (and its socket) would hang on for ws's 30 s close timeout.
      websocket.resume();
      websocket.close(1000);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(websocket);
      this.fillSoon();
      return;
    }
    const onIdleClose = () => {
      this.idle.delete(websocket);
      this.fill();
    };
    this.idle.set(websocket, {onIdleClose, unwatch: this.watchIdle(websocket)});
    // Errors of idle websockets are swallowed: their close event does the cleanup.
    websocket.on('error', () => {});
    websocket.once('close', onIdleClose);
    // Idle, but still read: the exit side's close must be noticed.
    websocket.resume();
    for (const listener of this.readyListeners.splice(0)) listener.resolve(websocket);
  }
}
