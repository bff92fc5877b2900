/**
 * Completes the websocket upgrades the routes accepted (a request that is no valid handshake
 * is answered 400, or 405 for another method than GET), with a frame size limit by kind of
 * websocket (ws refuses a bigger frame from its header, before buffering it: close 1009), and
 * watches each websocket it opens:
 * - a listener that throws is logged once with its stack and closes that websocket only;
 * - a peer that sends pings or requests but does not read the answers is cut once its unread
 *   bytes pass `unread_websocket_bytes` (ws answers every ping, so they would pile up).
 */
import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import WebSocket, {WebSocketServer} from 'ws';
import type {Logger} from '../../engine/logger.js';
import {skipRepeatedEnds} from '../../engine/repeated-end.js';
import {NetunnelError, errorBody, messageOf} from '../../protocol/errors.js';
import type {RouteName} from '../../protocol/routes.js';
import type {LimitRefusals} from '../limits/limit-refusals.js';
import type {LimitName, ServerLimits} from '../limits/server-limits.js';
import {stackOf} from './http-errors.js';
import {refuseOnSocket} from './http-io.js';
import {guardListeners} from './listener-guard.js';

/** control: a channel's BSON documents; tunnel: tunnelled bytes; events: the /events stream (receives nothing). */
export type WebsocketKind = 'control' | 'tunnel' | 'events';

const FRAME_LIMITS = {
  control: 'control_frame_bytes',
  tunnel: 'tunnel_frame_bytes',
  events: 'events_frame_bytes',
} as const satisfies Record<WebsocketKind, LimitName>;

/** Routes other than these carry data like tunnels do. */
export function websocketKindOf(route: RouteName): WebsocketKind {
  if (route === 'channelConnect') return 'control';
  if (route === 'events') return 'events';
  return 'tunnel';
}

/** RFC 6455 limits a close reason to 123 bytes. */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text);
  return bytes.length <= 123 ? text : bytes.subarray(0, 123).toString('utf8').replace(/\uFFFD+$/, '');
}

export interface WebsocketAcceptorSettings {
  limits(): ServerLimits;
  refusals: LimitRefusals;
  logger: Logger;
  /** False: a refused handshake is answered in plain text, as aiohttp does. */
  extensions: boolean;
}

export class WebsocketAcceptor {
  /** One ws server per kind, each with its frame limit; made at the first upgrade, after start. */
  private readonly servers = new Map<WebsocketKind, WebSocketServer>();

  constructor(private readonly settings: WebsocketAcceptorSettings) {}

  /** Every open websocket, of every kind. */
  get clients(): WebSocket[] {
    return [...this.servers.values()].flatMap((server) => [...server.clients]);
  }

  /**
   * Completes the upgrade (ws answers 400 itself to a request that is not a valid websocket
   * upgrade) and hands the websocket to `onOpen`. If `onOpen` throws (the tunnel went away
   * meanwhile), the websocket closes with 1011 and the reason. `what` names the websocket in
   * logs, e.g. `websocket /events`.
   */
  accept(kind: WebsocketKind, request: IncomingMessage, socket: Duplex, head: Buffer, what: string, onOpen: (websocket: WebSocket) => void): void {
    const remoteAddress = 'remoteAddress' in socket && typeof socket.remoteAddress === 'string' ? socket.remoteAddress : undefined;
    this.serverFor(kind).handleUpgrade(request, socket, head, (websocket) => {
      skipRepeatedEnds(socket);
      this.watch(kind, websocket, what, remoteAddress);
      try {
        onOpen(websocket);
      } catch (error) {
        if (!(error instanceof NetunnelError)) this.settings.logger.error(`Unexpected failure opening ${what}: ${stackOf(error)}`);
        websocket.close(1011, closeReason(messageOf(error)));
      }
    });
  }

  private serverFor(kind: WebsocketKind): WebSocketServer {
    let server = this.servers.get(kind);
    if (!server) {
      const maxPayload = this.settings.limits()[FRAME_LIMITS[kind]];
      server = new WebSocketServer({noServer: true, perMessageDeflate: false, clientTracking: true, maxPayload});
      // A request that is no valid websocket handshake, answered in our shape rather than ws's.
      server.on('wsClientError', (error: Error, socket: Duplex) => {
        const status = error.message === 'Invalid HTTP method' ? 405 : 400;
        refuseOnSocket(socket, status, errorBody(error.message), this.settings.extensions ? undefined : error.message);
      });
      this.servers.set(kind, server);
    }
    return server;
  }

  private watch(kind: WebsocketKind, websocket: WebSocket, what: string, remoteAddress: string | undefined): void {
    const {logger, refusals} = this.settings;
    let failed = false;
    guardListeners(websocket, (error, event) => {
      if (failed) return;
      failed = true;
      logger.error(`Unexpected failure in a '${String(event)}' listener of ${what}: ${stackOf(error)}`);
      websocket.terminate();
    });
    websocket.on('error', (error: Error & {code?: string}) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        const limit = FRAME_LIMITS[kind];
        refusals.count(limit, {remoteAddress, message: `${what}: a frame over ${this.settings.limits()[limit]} bytes (closed 1009)`});
      }
      logger.debug(`${what}: ${error.message}`);
    });
    const unreadLimit = this.settings.limits().unread_websocket_bytes;
    let cut = false;
    const checkUnread = () => {
      if (cut || websocket.bufferedAmount <= unreadLimit) return;
      cut = true;
      refusals.count('unread_websocket_bytes', {remoteAddress, message: `${what}: cut, ${websocket.bufferedAmount} bytes sent to it are unread`});
      logger.debug(`${what}: cut, ${websocket.bufferedAmount} bytes sent to it are unread`);
      // A close frame would wait behind what is unread: cut at once.
      websocket.terminate();
    };
    websocket.on('ping', checkUnread);
    websocket.on('message', checkUnread);
  }
}
