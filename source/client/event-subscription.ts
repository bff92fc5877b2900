/**
 * A live subscription to a server's `/events` stream that survives disconnections: it
 * reconnects with backoff (0.5 s doubling to 10 s, +-20%) and, since the server starts
 * every stream with a snapshot, a consumer that applies the snapshot never misses state.
 * Frames are parsed with protocol/server-events.ts: a type it does not know (a newer server's)
 * is skipped; a known one that does not fit is a broken stream, reconnected with the reason.
 */
import type WebSocket from 'ws';
import {formatSilence, heartbeatSilenceMs} from '../engine/heartbeat.js';
import {RetryBackoff} from '../engine/retry-backoff.js';
import {messageOf} from '../protocol/errors.js';
import {paths} from '../protocol/routes.js';
import {describeValueIssue} from '../protocol/schema-issues.js';
import {SERVER_EVENT_TYPES, serverEventSchema, type ServerEvent, type ServerEventType} from '../protocol/server-events.js';
import {BadAnswerError, ServerRefusedError} from './client-errors.js';
import type {ServerTransport} from './server-transport.js';

export type SubscriptionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SubscriptionOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
}

function isKnownType(type: unknown): type is ServerEventType {
  return SERVER_EVENT_TYPES.some((known) => known === type);
}

/** A frame's event, undefined for a type this client does not know; a BadAnswerError for a known one that does not fit. */
function eventOf(text: string): ServerEvent | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    throw new BadAnswerError('GET /events', `a frame is not JSON: ${text.slice(0, 100)}`);
  }
  if (typeof frame !== 'object' || frame === null || !('type' in frame) || !isKnownType(frame.type)) return undefined;
  const parsed = serverEventSchema.safeParse(frame);
  if (!parsed.success) throw new BadAnswerError('GET /events', `${frame.type} frame: ${describeValueIssue(parsed.error)}`);
  return parsed.data;
}

export class EventSubscription {
  private websocket: WebSocket | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: RetryBackoff;

  constructor(
    private readonly transport: ServerTransport,
    private readonly onEvent: (event: ServerEvent) => void,
    private readonly onState: (state: SubscriptionState, detail?: string) => void = () => {},
    options: SubscriptionOptions = {},
  ) {
    this.backoff = new RetryBackoff({minMs: options.initialDelayMs ?? 500, maxMs: options.maxDelayMs ?? 10_000, jitter: 0.2});
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
    let broken: string | undefined;
    websocket.on('message', (data, isBinary) => {
      if (isBinary || broken !== undefined) return;
      let event: ServerEvent | undefined;
      try {
        event = eventOf(data.toString());
      } catch (error) {
        broken = messageOf(error);
        websocket.terminate();
        return;
      }
      if (event === undefined) return;
      this.backoff.reset();
      this.onEvent(event);
    });
    websocket.on('error', () => {});
    websocket.once('close', () => {
      this.websocket = undefined;
      const silence = heartbeatSilenceMs(websocket);
      const reason = broken ?? (silence === undefined ? 'The event stream was interrupted' : `No answer to pings for ${formatSilence(silence)}`);
      if (!this.closed) this.retry(reason);
    });
    websocket.resume();
    this.onState('open');
  }

  private retry(reason: string): void {
    if (this.closed) return;
    this.onState('reconnecting', reason);
    this.timer = setTimeout(() => void this.connect(), this.backoff.next());
  }
}
