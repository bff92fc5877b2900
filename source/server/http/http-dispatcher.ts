/**
 * Everything the HTTP server receives, answered where it happens: requests and websocket
 * upgrades are routed by the path as sent (request-target.ts), checked by the auth plugin on
 * every route but /authenticate, then handed to their route; CONNECT, requests the parser
 * refused and requests that took too long get their refusal. Nothing a client sends, and no
 * failure of a handler, ends the process: an unexpected failure is logged once with its stack
 * and answered 500.
 *
 * Answers keep 1.0.12's shapes: `{"error": ...}` from the routes, and without extensions
 * aiohttp's plain text (`404: Not Found`) for what never reached a route or was refused by auth.
 */
import type {IncomingMessage, Server, ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import type {AuthRequest, ServerAuth} from '../../auth/contract.js';
import type {Logger} from '../../engine/logger.js';
import {errorBody, messageOf} from '../../protocol/errors.js';
import {matchRoute} from '../../protocol/routes.js';
import type {LimitRefusals} from '../limits/limit-refusals.js';
import type {ServerLimits} from '../limits/server-limits.js';
import {errorBodyOf, statusOf} from './error-status.js';
import {HttpError, LimitError, badRequest, stackOf} from './http-errors.js';
import {afterAnswer, hasUnreadBody, plainStatusText, readJsonBody, refuseOnSocket, sendJson, sendText} from './http-io.js';
import {parserRefusal} from './parser-refusal.js';
import {parseRequestTarget, printable, type RequestTarget} from './request-target.js';
import type {HttpMethod, RouteContext, RouteTable} from './route-table.js';
import {websocketKindOf, type WebsocketAcceptor} from './websocket-acceptor.js';

export interface HttpDispatcherSettings {
  routes: RouteTable;
  auth: ServerAuth;
  logger: Logger;
  /** False: 1.0.12's answers exactly (no extension routes, plain-text refusals). */
  extensions: boolean;
  limits(): ServerLimits;
  refusals: LimitRefusals;
  websockets: WebsocketAcceptor;
  /** Hears of every request or upgrade the auth plugin refused, and of a refused POST /authenticate. */
  authRefused?: ((request: AuthRequest) => void) | undefined;
}

/** A request's socket is a net.Socket (or a TLSSocket): it knows its peer. */
function remoteAddressOf(socket: Duplex): string | undefined {
  return 'remoteAddress' in socket && typeof socket.remoteAddress === 'string' ? socket.remoteAddress : undefined;
}

/** A request's socket is a net.Socket (or a TLSSocket): it counts what was written to it. */
function bytesWritten(socket: Duplex): number {
  return 'bytesWritten' in socket && typeof socket.bytesWritten === 'number' ? socket.bytesWritten : 0;
}

function isHttpMethod(method: string): method is HttpMethod {
  return method === 'GET' || method === 'POST' || method === 'DELETE';
}

export class HttpDispatcher {
  /** The request each socket is being answered for, so that a late parser error never writes into its answer. */
  private readonly inFlight = new WeakMap<Duplex, ServerResponse>();
  /**
   * Each socket's byte count when our last answer on it was complete: more bytes written since
   * means an answer we did not make (Node's own, e.g. to a request without Host) is under way.
   */
  private readonly answeredUpTo = new WeakMap<Duplex, number>();

  constructor(private readonly settings: HttpDispatcherSettings) {}

  /** The server's 'request' listener. */
  readonly onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    this.handleRequest(request, response).catch((error: unknown) => this.lastResort(error, response, `${request.method} request`));
  };

  /** Listens to everything else the server may hear from outside. */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', (error) => this.settings.logger.debug(`Upgrade socket: ${error.message}`));
      this.handleUpgrade(request, socket, head).catch((error: unknown) => {
        this.settings.logger.error(`Unexpected failure on an upgrade: ${stackOf(error)}`);
        refuseOnSocket(socket, 500, errorBody('Internal server error'));
      });
    });
    server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => {});
      this.refuse(socket, HttpError.plain(405, 'Method CONNECT is not allowed: this server is not a proxy'));
    });
    server.on('clientError', (error: Error, socket: Duplex) => this.onClientError(error, socket));
    // More sockets than `connections`: Node closes the newcomer at once.
    server.on('drop', (data?: {remoteAddress?: string}) =>
      this.settings.refusals.count('connections', {
        remoteAddress: data?.remoteAddress,
        message: `The server holds its limit of ${this.settings.limits().connections} connections: a new one was closed`,
      }),
    );
    // A failing accept once listening (start() reports errors before that) must not end the process.
    server.on('error', (error) => {
      if (server.listening) this.settings.logger.error(`The server's listening socket failed: ${stackOf(error)}`);
    });
  }

  /** The route of a path; extension routes do not exist without extensions. */
  private match(path: string) {
    const route = matchRoute(path);
    return route && (this.settings.extensions || !route.extension) ? route : undefined;
  }

  /** `response`: the request's answer; none for an upgrade, answered by its websocket's handshake at once. */
  private context(request: IncomingMessage, params: Record<string, number>, target: RequestTarget, response?: ServerResponse): RouteContext {
    const auth: AuthRequest = {
      method: request.method ?? 'GET',
      path: target.path + target.search,
      headers: request.headers,
      remoteAddress: request.socket.remoteAddress,
    };
    let body: Promise<unknown> | undefined;
    const maxBytes = this.settings.limits().body_bytes;
    return {
      request,
      auth,
      params,
      query: target.query,
      readBody: () => (body ??= readJsonBody(request, maxBytes)),
      afterAnswer: (callback) => (response ? afterAnswer(response, callback) : callback()),
    };
  }

  private async isAllowed(context: RouteContext): Promise<boolean> {
    let allowed = false;
    try {
      allowed = await this.settings.auth.isAuthenticated(context.auth);
    } catch (error) {
      this.settings.logger.warn(`Auth plugin failed on ${context.auth.method} ${context.auth.path}: ${messageOf(error)}`);
    }
    if (!allowed) this.settings.authRefused?.(context.auth);
    return allowed;
  }

  private async handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const {logger, routes} = this.settings;
    request.on('error', (error) => logger.debug(`Request: ${error.message}`));
    response.on('error', (error) => logger.debug(`Response: ${error.message}`));
    const socket = request.socket;
    this.inFlight.set(socket, response);
    response.once('finish', () => this.answeredUpTo.set(socket, bytesWritten(socket)));
    response.once('close', () => {
      if (this.inFlight.get(socket) === response) this.inFlight.delete(socket);
    });
    const method = request.method ?? 'GET';
    const target = parseRequestTarget(request.url);
    const path = target ? printable(target.path) : printable(request.url);
    try {
      if (!target) throw HttpError.plain(404, `Not found: ${method} ${path}`);
      const route = this.match(target.path);
      if (!route) throw HttpError.plain(404, `Not found: ${method} ${path}`);
      const context = this.context(request, route.params, target, response);
      if (route.name === 'authenticate') {
        if (method !== 'POST') throw HttpError.plain(405, `Method ${method} is not allowed on ${path}`);
        const answer = await this.settings.auth.authenticate(context.auth, await context.readBody());
        if (answer.status === 401 || answer.status === 403) this.settings.authRefused?.(context.auth);
        if (answer.text !== undefined) sendText(response, answer.status, answer.text);
        else sendJson(response, answer.status, answer.body);
        return;
      }
      if (!(await this.isAllowed(context))) throw HttpError.plain(403, 'Forbidden: the auth plugin refused this request');
      const methods = routes.rest[route.name];
      // HEAD is GET without the body (Node leaves it out), as aiohttp's GET routes allow it.
      const asMethod = method === 'HEAD' ? 'GET' : method;
      const handler = methods && isHttpMethod(asMethod) ? methods[asMethod] : undefined;
      if (!handler) {
        if (routes.upgrade[route.name] && method === 'GET') throw badRequest(`${path} expects a websocket upgrade`);
        if (methods) throw HttpError.plain(405, `Method ${method} is not allowed on ${path}`);
        throw HttpError.plain(404, `Not found: ${method} ${path}`);
      }
      const answer = await handler(context);
      if ('text' in answer) sendText(response, answer.status ?? 200, answer.text, answer.contentType);
      else sendJson(response, answer.status ?? 200, answer.json);
    } catch (error) {
      this.answerError(request, socket, response, error, `${method} ${path}`);
    } finally {
      // A body nobody read must still be drained, or a keep-alive connection stalls.
      request.resume();
    }
  }

  /** Without extensions, 1.0.12's (aiohttp's) plain text for refusals that never reached a route. */
  private plainRefusal(error: unknown): string | undefined {
    if (this.settings.extensions || !(error instanceof HttpError) || !error.plain) return undefined;
    return plainStatusText(error.status);
  }

  private statusOf(error: unknown, what: string, socket: Duplex): number {
    if (error instanceof LimitError) this.settings.refusals.count(error.limit, {remoteAddress: remoteAddressOf(socket), message: error.message});
    const status = statusOf(error);
    if (status !== undefined) return status;
    this.settings.logger.error(`Unexpected failure on ${what}: ${stackOf(error)}`);
    return 500;
  }

  /** `socket`: the request's, taken when it came (Node clears request.socket once it lets go of it). */
  private answerError(request: IncomingMessage, socket: Duplex, response: ServerResponse, error: unknown, what: string): void {
    if (socket.destroyed || !socket.writable) {
      // The client is gone, or the request was already refused on the socket (the parser refused
      // the rest of it, or it took too long): nobody to answer.
      this.settings.logger.debug(`${what}: the connection closed before the answer (${messageOf(error)})`);
      return;
    }
    const status = this.statusOf(error, what, socket);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    // A refused body that is still arriving is not drained: the connection ends after the answer.
    if (hasUnreadBody(request)) response.setHeader('Connection', 'close');
    const plain = this.plainRefusal(error);
    if (plain !== undefined) sendText(response, status, plain);
    else sendJson(response, status, errorBodyOf(error));
  }

  /** A failure of answerError itself: the answer is abandoned, the process goes on. */
  private lastResort(error: unknown, response: ServerResponse, what: string): void {
    this.settings.logger.error(`Unexpected failure answering a ${what}: ${stackOf(error)}`);
    response.destroy();
  }

  private async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const target = parseRequestTarget(request.url);
    const what = `websocket ${target ? printable(target.path) : printable(request.url)}`;
    try {
      if (!target) throw HttpError.plain(404, `Not found: ${what}`);
      const route = this.match(target.path);
      const handler = route && this.settings.routes.upgrade[route.name];
      if (!route || !handler) {
        const upgrade = String(request.headers.upgrade ?? '');
        if (upgrade.toLowerCase() !== 'websocket') throw badRequest(`Only websocket upgrades are served, not \`${printable(upgrade)}\``);
        throw HttpError.plain(404, `Not found: ${what}`);
      }
      const context = this.context(request, route.params, target);
      if (!(await this.isAllowed(context))) throw HttpError.plain(403, 'Forbidden: the auth plugin refused this request');
      const onOpen = await handler(context);
      this.settings.websockets.accept(websocketKindOf(route.name), request, socket, head, what, onOpen);
    } catch (error) {
      this.refuse(socket, error, what);
    }
  }

  /** Answers on a bare socket (a refused upgrade, CONNECT) and closes it. */
  private refuse(socket: Duplex, error: unknown, what = 'request'): void {
    const status = this.statusOf(error, what, socket);
    refuseOnSocket(socket, status, errorBody(messageOf(error)), this.plainRefusal(error));
  }

  private onClientError(error: Error & {code?: string}, socket: Duplex): void {
    const inFlight = this.inFlight.get(socket);
    const refusal = parserRefusal(error, this.settings.limits(), inFlight !== undefined);
    const othersWriting = inFlight === undefined && bytesWritten(socket) !== (this.answeredUpTo.get(socket) ?? 0);
    // Nobody to answer, or an answer already under way that a refusal would corrupt.
    if (!refusal || inFlight?.headersSent || othersWriting) {
      socket.destroy();
      return;
    }
    this.refuse(socket, refusal, 'request');
  }
}
