/**
 * NetunnelServer: the HTTP server, its routing (REST and websocket upgrades), auth on every
 * route but /authenticate, and the channel registry. Bad input never reaches a 500: every
 * refusal is a 4xx with `{"error": ...}`, and an unexpected failure is logged and answered 500
 * without taking the process down.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import {once} from 'node:events';
import {hostname} from 'node:os';
import {WebSocketServer} from 'ws';
import type {AuthRequest, ServerAuth} from '../auth/contract.js';
import {NoAuthServer} from '../auth/no-auth.js';
import type {SocketAddress} from '../engine/entrance.js';
import {silentLogger, type Logger} from '../engine/logger.js';
import {BodyError} from '../protocol/bodies.js';
import {errorBody, messageOf} from '../protocol/errors.js';
import {matchRoute} from '../protocol/routes.js';
import {FEATURES, type ServerInfo} from '../protocol/management.js';
import {IMPLEMENTATION, IMPLEMENTATION_VERSION, PROTOCOL_VERSION} from '../protocol/version.js';
import {EventHub, type EventHubOptions} from './event-hub.js';
import {managementRoutes} from './management-routes.js';
import {ChannelRegistry} from './channel-registry.js';
import {channelRoutes} from './channel-routes.js';
import {DEFAULT_ALLOWED_DESTINATIONS, DEFAULT_ALLOWED_ENTRANCES, type AllowedDestinations} from './destinations.js';
import {HttpError, badRequest} from './http-errors.js';
import {readJsonBody, refuseUpgrade, sendJson, sendText} from './http-io.js';
import {mergeRouteTables, type HttpMethod, type RouteContext, type RouteTable} from './route-table.js';

export interface NetunnelServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  auth?: ServerAuth;
  logger?: Logger;
  allowedTunnelDestinations?: AllowedDestinations;
  allowedTunnelEntrances?: string[];
  /**
   * Our extensions (management API, events, metrics, extra keys). false: answer exactly like
   * 1.0.12, for strict deployments. Default true.
   */
  extensions?: boolean;
  events?: EventHubOptions;
}

export class NetunnelServer {
  readonly channels: ChannelRegistry;
  private readonly http: Server;
  private readonly websockets = new WebSocketServer({noServer: true, perMessageDeflate: false, clientTracking: true});
  private readonly routes: RouteTable;
  private readonly auth: ServerAuth;
  private readonly logger: Logger;
  private bound: SocketAddress | undefined;
  private readonly startedAt = new Date();
  private readonly extensions: boolean;
  readonly events: EventHub;

  constructor(private readonly options: NetunnelServerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.auth = options.auth ?? new NoAuthServer();
    this.channels = new ChannelRegistry(this.logger);
    this.extensions = options.extensions ?? true;
    const serverInfo = () => this.serverInfo();
    this.events = new EventHub(this.channels, serverInfo, undefined, options.events);
    const tables = [
      channelRoutes(this.channels, {
        extensions: this.extensions,
        allowedTunnelDestinations: () => options.allowedTunnelDestinations ?? DEFAULT_ALLOWED_DESTINATIONS,
        allowedTunnelEntrances: () => options.allowedTunnelEntrances ?? DEFAULT_ALLOWED_ENTRANCES,
      }),
    ];
    if (this.extensions) tables.push(managementRoutes(this.channels, this.events, serverInfo, undefined));
    this.routes = mergeRouteTables(...tables);
    this.http = createServer((request, response) => void this.handleRequest(request, response));
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(request, socket, head));
    this.http.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
  }

  async start(): Promise<SocketAddress> {
    this.http.listen({host: this.options.host ?? '127.0.0.1', port: this.options.port ?? 4040});
    await Promise.race([once(this.http, 'listening'), once(this.http, 'error').then(([error]) => Promise.reject(error))]);
    const address = this.http.address();
    if (address === null || typeof address === 'string') throw new Error('The server has no TCP address');
    this.bound = {address: address.address, port: address.port};
    return this.bound;
  }

  get address(): SocketAddress | undefined {
    return this.bound;
  }

  serverInfo(): ServerInfo {
    return {
      implementation: IMPLEMENTATION,
      version: IMPLEMENTATION_VERSION,
      protocol: PROTOCOL_VERSION,
      features: [...FEATURES],
      started_at: this.startedAt.toISOString(),
      hostname: hostname(),
    };
  }

  /** Stops everything: channels (and their tunnels), websockets, the listening port. */
  async close(): Promise<void> {
    this.events.close();
    await this.channels.closeAll();
    for (const websocket of this.websockets.clients) websocket.terminate();
    await new Promise<void>((resolve) => {
      if (!this.http.listening) resolve();
      else this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /** The route of a path; extension routes do not exist without extensions. */
  private match(path: string) {
    const route = matchRoute(path);
    return route && (this.extensions || !route.extension) ? route : undefined;
  }

  private context(request: IncomingMessage, params: Record<string, number>, url: URL): RouteContext {
    const auth: AuthRequest = {
      method: request.method ?? 'GET',
      path: url.pathname + url.search,
      headers: request.headers,
      remoteAddress: request.socket.remoteAddress,
    };
    let body: Promise<unknown> | undefined;
    return {request, auth, params, query: url.searchParams, readBody: () => (body ??= readJsonBody(request))};
  }

  private async isAllowed(context: RouteContext): Promise<boolean> {
    try {
      return await this.auth.isAuthenticated(context.auth);
    } catch (error) {
      this.logger.warn(`Auth plugin failed on ${context.auth.method} ${context.auth.path}: ${messageOf(error)}`);
      return false;
    }
  }

  private async handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://server');
    const method = (request.method ?? 'GET') as HttpMethod;
    try {
      const route = this.match(url.pathname);
      if (!route) throw HttpError.plain(404, `Not found: ${method} ${url.pathname}`);
      const context = this.context(request, route.params, url);
      if (route.name === 'authenticate') {
        if (method !== 'POST') throw new HttpError(405, `Method ${method} is not allowed on ${url.pathname}`);
        const answer = await this.auth.authenticate(context.auth, await context.readBody());
        sendJson(response, answer.status, answer.body);
        return;
      }
      if (!(await this.isAllowed(context))) throw HttpError.plain(403, 'Forbidden: the auth plugin refused this request');
      const handler = this.routes.rest[route.name]?.[method];
      if (!handler) {
        if (this.routes.upgrade[route.name] && method === 'GET') throw badRequest(`${url.pathname} expects a websocket upgrade`);
        if (this.routes.rest[route.name]) throw HttpError.plain(405, `Method ${method} is not allowed on ${url.pathname}`);
        throw HttpError.plain(404, `Not found: ${method} ${url.pathname}`);
      }
      const answer = await handler(context);
      if ('text' in answer) sendText(response, answer.status ?? 200, answer.text, answer.contentType);
      else sendJson(response, answer.status ?? 200, answer.json);
    } catch (error) {
      this.answerError(response, error, `${method} ${url.pathname}`);
    } finally {
      // A body nobody read must still be drained, or a keep-alive connection stalls.
      request.resume();
    }
  }

  /** Without extensions, 1.0.12's (aiohttp's) plain-text answers to unknown routes and refused auth. */
  private plainRefusal(error: unknown): string | undefined {
    if (this.extensions || !(error instanceof HttpError) || !error.plain) return undefined;
    return {403: '403: Forbidden', 404: '404: Not Found', 405: '405: Method Not Allowed'}[error.status];
  }

  private answerError(response: ServerResponse, error: unknown, what: string): void {
    const plain = this.plainRefusal(error);
    if (plain !== undefined && !response.headersSent) {
      sendText(response, (error as HttpError).status, plain);
      return;
    }
    let status = 500;
    if (error instanceof HttpError) status = error.status;
    else if (error instanceof BodyError) status = 400;
    else this.logger.error(`Unexpected failure on ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    sendJson(response, status, errorBody(messageOf(error)));
  }

  private async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => {});
    const url = new URL(request.url ?? '/', 'http://server');
    try {
      const route = this.match(url.pathname);
      const handler = route && this.routes.upgrade[route.name];
      if (!route || !handler) throw HttpError.plain(404, `Not found: websocket ${url.pathname}`);
      const context = this.context(request, route.params, url);
      if (!(await this.isAllowed(context))) throw HttpError.plain(403, 'Forbidden: the auth plugin refused this request');
      const onOpen = await handler(context);
      this.websockets.handleUpgrade(request, socket, head, (websocket) => {
        websocket.on('error', (error) => this.logger.debug(`Websocket ${url.pathname}: ${error.message}`));
        try {
          onOpen(websocket);
        } catch (error) {
          // The state changed between the check and the upgrade (e.g. the tunnel was deleted).
          websocket.close(1011, messageOf(error).slice(0, 120));
        }
      });
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) this.logger.error(`Unexpected failure on websocket ${url.pathname}: ${messageOf(error)}`);
      refuseUpgrade(socket, status, errorBody(messageOf(error)), this.plainRefusal(error));
    }
  }
}
