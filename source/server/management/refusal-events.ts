/**
 * The server's refusals as events for the management API's stream: authentication refused,
 * destinations and entrances refused, a channel's websockets and requests from another than its
 * client, limits reached (every refusal the limits count, with
 * what its refusal point knew). The server's refusal points call in here; the event hub sends
 * them on (within its budget, refusal-budget.ts).
 */
import {EventEmitter} from 'node:events';
import type {RefusalEvent} from '../../protocol/connections.js';
import type {LimitRefusals} from '../limits/limit-refusals.js';

/** Paths are the client's to choose: an event carries at most this much of one. */
const MAX_PATH_LENGTH = 256;

interface RefusalEventsEvents {
  refused: [RefusalEvent];
}

export class RefusalEvents extends EventEmitter<RefusalEventsEvents> {
  /** Reports every refusal the server's limits count. */
  watchLimits(refusals: LimitRefusals): void {
    refusals.on('refused', (limit, refusal) => this.limitReached(limit, refusal.remoteAddress, refusal.message ?? `The limit \`${limit}\` was reached`));
  }

  /** `path` without its query string (which may carry what the client did not mean to show). */
  authRefused(request: {remoteAddress: string | undefined; method: string; path: string}): void {
    this.report({
      type: 'auth.refused',
      at: new Date().toISOString(),
      remote_address: request.remoteAddress ?? null,
      method: request.method.slice(0, 16),
      path: request.path.split('?')[0]!.slice(0, MAX_PATH_LENGTH),
    });
  }

  destinationRefused(channelId: number, remoteAddress: string | undefined, exit: {address: string; port: number}, error: string): void {
    this.report({
      type: 'destination.refused',
      at: new Date().toISOString(),
      channel_id: channelId,
      remote_address: remoteAddress ?? null,
      exit: {address: exit.address.slice(0, MAX_PATH_LENGTH), port: exit.port},
      error,
    });
  }

  entranceRefused(channelId: number, remoteAddress: string | undefined, entrance: {address: string; port: number | null}, error: string): void {
    this.report({
      type: 'entrance.refused',
      at: new Date().toISOString(),
      channel_id: channelId,
      remote_address: remoteAddress ?? null,
      entrance: {address: entrance.address.slice(0, MAX_PATH_LENGTH), port: entrance.port},
      error,
    });
  }

  /** A websocket or request on a channel that did not come from the channel's client. */
  ownerRefused(channelId: number, request: {remoteAddress: string | undefined; path: string}, kind: 'websocket' | 'request', error: string): void {
    this.report({
      type: 'owner.refused',
      at: new Date().toISOString(),
      channel_id: channelId,
      remote_address: request.remoteAddress ?? null,
      kind,
      path: request.path.split('?')[0]!.slice(0, MAX_PATH_LENGTH),
      error,
    });
  }

  /** `limit`: the limit's name, as the config file's `limits` key. */
  limitReached(limit: string, remoteAddress: string | undefined, error: string): void {
    this.report({type: 'limit.reached', at: new Date().toISOString(), limit, remote_address: remoteAddress ?? null, error});
  }

  private report(event: RefusalEvent): void {
    this.emit('refused', event);
  }
}
