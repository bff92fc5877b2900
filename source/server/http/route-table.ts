/** How route modules plug into the server: REST handlers and websocket handlers by route. */
import type {IncomingMessage} from 'node:http';
import type WebSocket from 'ws';
import type {AuthRequest} from '../../auth/contract.js';
import type {RouteName} from '../../protocol/routes.js';

export interface RouteContext {
  request: IncomingMessage;
  auth: AuthRequest;
  params: Record<string, number>;
  query: URLSearchParams;
  /** The parsed JSON body (undefined when empty). */
  readBody(): Promise<unknown>;
  /** Runs `callback` once the answer to this request is written (or its connection closed first). */
  afterAnswer(callback: () => void): void;
}

export type RestAnswer = {status?: number; json: unknown} | {status?: number; text: string; contentType?: string};
export type RestHandler = (context: RouteContext) => Promise<RestAnswer> | RestAnswer;

/**
 * Validates an upgrade request (throwing an HttpError refuses it before any upgrade) and
 * returns what to do with the websocket once it is open.
 */
export type UpgradeHandler = (context: RouteContext) => Promise<(websocket: WebSocket) => void> | ((websocket: WebSocket) => void);

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RouteTable {
  rest: Partial<Record<RouteName, Partial<Record<HttpMethod, RestHandler>>>>;
  upgrade: Partial<Record<RouteName, UpgradeHandler>>;
}

export function mergeRouteTables(...tables: RouteTable[]): RouteTable {
  const merged: RouteTable = {rest: {}, upgrade: {}};
  for (const table of tables) {
    for (const [name, methods] of Object.entries(table.rest) as Array<[RouteName, Partial<Record<HttpMethod, RestHandler>>]>) {
      merged.rest[name] = {...merged.rest[name], ...methods};
    }
    Object.assign(merged.upgrade, table.upgrade);
  }
  return merged;
}
