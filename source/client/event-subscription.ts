/**
 * A live subscription to a server's `/events` stream that survives disconnections: it
 * reconnects with backoff (0.5 s doubling to 10 s, with jitter) and, since the server starts
 * every stream with a snapshot, a consumer that applies the snapshot never misses state.
 */
import type WebSocket from 'ws';
import {formatSilence, heartbeatSilenceMs} from '../engine/heartbeat.js';
import {messageOf} from '../protocol/errors.js';
import type {ServerEvent} from '../protocol/management.js';
import {paths} from '../protocol/routes.js';
import {ServerRefusedError} from './client-errors.js';
import type {ServerTransport} from './server-transport.js';

export type SubscriptionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SubscriptionOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export class EventSubscription {
  private websocket: WebSocket | undefined;
  private closed = false;
  private delayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly transport: ServerTransport,
    private readonly onEvent: (event: ServerEvent) => void,
    private readonly onState: (state: SubscriptionState, detail?: string) => void = () => {},
    options: SubscriptionOptions = {},
  ) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.delayMs = this.initialDelayMs;
    this.onState('connecting');
    void this.connect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.websocket?.close(1000);
    this.onState('closed');
  }

  private async connect(): Promise<void> {
    let websocket: WebSocket;
    try {
      websocket = await this.transport.openWebsocket(paths.events());
    } catch (error) {
      if (error instanceof ServerRefusedError && error.status === 404) {
        // A 1.0.12 server (or ours with --no-extensions): there is nothing to wait for.
        this.closed = true;
        this.onState('closed', 'This server has no event stream (no management API)');
        return;
      }
      this.retry(messageOf(error));
      return;
    }
    if (this.closed) {
      websocket.close(1000);
      return;
    }
    this.websocket = websocket;
    websocket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let event: ServerEvent;
      try {
        event = JSON.parse(data.toString()) as ServerEvent;
      } catch {
        return;
      }
      this.delayMs = this.initialDelayMs;
      this.onEvent(event);
    });
    websocket.on('error', () => {});
    websocket.once('close', () => {
      this.websocket = undefined;
      const silence = heartbeatSilenceMs(websocket);
      if (!this.closed) this.retry(silence === undefined ? 'The event stream was interrupted' : `No answer to pings for ${formatSilence(silence)}`);
    });
    websocket.resume();
    this.onState('open');
  }

  private retry(reason: string): void {
    if (this.closed) return;
    this.onState('reconnecting', reason);
    // Jitter spreads the reconnects of many consoles after a server restart.
    const delay = this.delayMs * (0.8 + Math.random() * 0.4);
    this.delayMs = Math.min(this.maxDelayMs, this.delayMs * 2);
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
