/**
 * A raw subscriber of a server's `/events`: every frame parsed and kept in order, with the
 * frames and bytes received, and a bounded wait for the frame a test expects.
 */
import {once} from 'node:events';
import WebSocket from 'ws';
import type {ServerEvent} from '../../source/protocol/server-events.js';
import type {Defer} from './cleanup.js';

export type EventOf<Type extends ServerEvent['type']> = Extract<ServerEvent, {type: Type}>;

export interface EventStream {
  readonly events: ServerEvent[];
  /** Frames and bytes received so far. */
  frames(): number;
  bytes(): number;
  /** The first event (from the start of the stream) of `type` that `accept` takes; rejects after `timeoutMs`. */
  waitFor<Type extends ServerEvent['type']>(type: Type, accept?: (event: EventOf<Type>) => boolean, timeoutMs?: number): Promise<EventOf<Type>>;
  /** Every event of `type` so far. */
  all<Type extends ServerEvent['type']>(type: Type): Array<EventOf<Type>>;
}

export async function subscribeEvents(defer: Defer, url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const websocket = new WebSocket(`${url.replace(/^http/, 'ws')}/events`, {headers, perMessageDeflate: false});
  websocket.on('error', () => {});
  defer(() => websocket.terminate());
  const events: ServerEvent[] = [];
  let frames = 0;
  let bytes = 0;
  const listeners = new Set<() => void>();
  websocket.on('message', (data: Buffer) => {
    frames += 1;
    bytes += data.length;
    events.push(JSON.parse(data.toString('utf8')) as ServerEvent);
    for (const listener of listeners) listener();
  });
  await once(websocket, 'open');
  const matching = <Type extends ServerEvent['type']>(type: Type, accept: (event: EventOf<Type>) => boolean) =>
    events.find((event): event is EventOf<Type> => event.type === type && accept(event as EventOf<Type>));
  return {
    events,
    frames: () => frames,
    bytes: () => bytes,
    all: <Type extends ServerEvent['type']>(type: Type) => events.filter((event): event is EventOf<Type> => event.type === type),
    waitFor: (type, accept = () => true, timeoutMs = 5000) => {
      const found = matching(type, accept);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`No ${type} event within ${timeoutMs} ms (got ${events.map((event) => event.type).join(', ')})`));
        }, timeoutMs);
        const check = () => {
          const event = matching(type, accept);
          if (!event) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(event);
        };
        listeners.add(check);
      });
    },
  };
}
