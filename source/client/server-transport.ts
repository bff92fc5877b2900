/**
 * Everything the client sends to one server: REST calls and websockets, through the same
 * agent (optionally an HTTP proxy, by CONNECT with Basic auth), TLS settings and auth headers.
 * A server URL may carry a path prefix: routes are appended to it verbatim.
 */
import http from 'node:http';
import https from 'node:https';
import {text} from 'node:stream/consumers';
import {createSecureContext, rootCertificates, type SecureContext} from 'node:tls';
import WebSocket from 'ws';
import {HttpsProxyAgent} from 'https-proxy-agent';
import type {AuthTransport, ClientAuth} from '../auth/contract.js';
import {NoAuthClient} from '../auth/no-auth.js';
import {keepAlive} from '../engine/heartbeat.js';
import {skipRepeatedEnds} from '../engine/repeated-end.js';
import {isErrorBody, messageOf} from '../protocol/errors.js';
import {AuthHeaders} from './auth-headers.js';
import {httpUrlProblem} from '../protocol/fields.js';
import {proxyUrlWithCredentials, type ProxySettings} from '../protocol/proxy-settings.js';
import {NotNetunnelServerError, ServerRefusedError, ServerUnreachableError, TlsMaterialError} from './client-errors.js';
import {isNotHttp, mediaTypeOf, versionAnswerProblem} from './server-identity.js';

/** TLS material toward an https server (PEM). */
export interface ClientTlsOptions {
  /** The CA(s) that signed the server's certificate (a private CA), trusted besides Node's own list. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** A client certificate and its key, for a server that requires one (mutual TLS). */
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface TransportOptions {
  serverUrl: string;
  auth?: ClientAuth | undefined;
  proxy?: ProxySettings | undefined;
  /** Check the server's TLS certificate (default true). */
  sslValidate?: boolean | undefined;
  tls?: ClientTlsOptions | undefined;
  /** Heartbeat of every websocket, in ms (PROTOCOL.md: 20 s). */
  heartbeatMs?: number | undefined;
  requestTimeoutMs?: number | undefined;
}

/** What the commands warn with when told not to check certificates (one line on stderr). */
export const NO_SSL_VALIDATE_WARNING =
  "--no-ssl-validate: the server's TLS certificate is not checked, so anyone on the network path can pose as the server; trust its CA with --ca-file instead";

/** The CONNECT answer of a proxy, as https-proxy-agent reports it ('proxyConnect'). */
interface ProxyConnectAnswer {
  statusCode: number;
  statusText: string;
}

/**
 * One secure context for every connection: built per connection from the options, Node's
 * ~140 root certificates (which a private CA joins) would be parsed again each time.
 */
function secureContextOf(tls: ClientTlsOptions | undefined): {secureContext?: SecureContext} {
  if (tls === undefined || (tls.ca === undefined && tls.cert === undefined)) return {};
  const extra = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca];
  try {
    return {secureContext: createSecureContext({ca: [...rootCertificates, ...extra], cert: tls.cert, key: tls.key})};
  } catch (error) {
    throw new TlsMaterialError(`Invalid TLS options: ${messageOf(error)}`);
  }
}

type NetunnelRefusal = ServerRefusedError | NotNetunnelServerError;

export class ServerTransport implements AuthTransport {
  readonly serverUrl: string;
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly usesProxy: boolean;
  /** The proxy URL without credentials, for messages. */
  private readonly proxyOrigin: string | undefined;
  private readonly proxyHasCredentials: boolean;
  /**
   * Requests whose CONNECT the proxy refused. https-proxy-agent then replays the proxy's answer
   * as if it were the server's, so without this a 407 would read as the server refusing us.
   */
  private readonly proxyRefusals = new WeakMap<http.ClientRequest, ProxyConnectAnswer>();
  /** What every TLS connection to the server is made with. */
  private readonly tlsOptions: {rejectUnauthorized: boolean; secureContext?: SecureContext};
  private readonly hasClientCertificate: boolean;
  private readonly authHeaders: AuthHeaders;

  constructor(private readonly options: TransportOptions) {
    const problem = httpUrlProblem(options.serverUrl);
    if (problem === 'not-http') throw new ServerUnreachableError(`Server URL must start with http:// or https://: ${options.serverUrl}`);
    if (problem !== undefined) throw new ServerUnreachableError(`Invalid server URL: ${options.serverUrl}`);
    this.base = new URL(options.serverUrl);
    this.serverUrl = options.serverUrl.replace(/\/+$/, '');
    this.authHeaders = new AuthHeaders(options.auth ?? new NoAuthClient(), this);
    this.tlsOptions = {rejectUnauthorized: options.sslValidate ?? true, ...secureContextOf(options.tls)};
    this.hasClientCertificate = options.tls?.cert !== undefined;
    this.usesProxy = options.proxy !== undefined;
    const proxyUrl = options.proxy ? proxyUrlWithCredentials(options.proxy) : undefined;
    this.proxyOrigin = proxyUrl?.origin;
    this.proxyHasCredentials = proxyUrl !== undefined && (proxyUrl.username !== '' || proxyUrl.password !== '');
    if (proxyUrl) {
      const agent = new HttpsProxyAgent(proxyUrl, {keepAlive: true});
      agent.on('proxyConnect', (answer: ProxyConnectAnswer, request: http.ClientRequest) => {
        if (answer.statusCode !== 200) this.proxyRefusals.set(request, answer);
      });
      this.agent = agent;
    } else if (this.base.protocol === 'https:') {
      this.agent = new https.Agent({keepAlive: true, ...this.tlsOptions});
    } else {
      this.agent = new http.Agent({keepAlive: true});
    }
  }

  url(path: string): string {
    return this.serverUrl + path;
  }

  /** A JSON request with the auth plugin's headers; resolves with the parsed answer. */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    return this.send(method, path, body, await this.authHeaders.get());
  }

  requestWithoutAuth(method: string, path: string, body?: unknown): Promise<unknown> {
    return this.send(method, path, body, {});
  }

  /** GET of a text route (`/version`, `/metrics`): ours answer text, a web page is not one of them. */
  async requestText(path: string): Promise<string> {
    const {status, text, contentType} = await this.exchange('GET', path, undefined, await this.authHeaders.get());
    const problem = path === '/version' ? versionAnswerProblem(status, contentType, text) : undefined;
    if (problem !== undefined) throw new NotNetunnelServerError(this.serverUrl, problem);
    if (status >= 400 || mediaTypeOf(contentType) === 'text/html') throw await this.refusalOrStranger(status, text);
    return text;
  }

  /**
   * Why what answers is not a NETunnel server, asked of `GET /version`; undefined when it is
   * one or cannot be told (asked only after an answer that no NETunnel server gives).
   */
  async notNetunnelEvidence(): Promise<string | undefined> {
    try {
      // Without the auth plugin's headers: asking them may be what failed (its login), and a
      // server that wants them for /version answers 401/403, which tells nothing.
      const {status, text, contentType} = await this.exchange('GET', '/version', undefined, {});
      return versionAnswerProblem(status, contentType, text);
    } catch (error) {
      return error instanceof NotNetunnelServerError ? error.evidence : undefined;
    }
  }

  /** The refusal, or, when the server is not a NETunnel server after all, that. */
  private async refusalOrStranger(status: number, text: string): Promise<NetunnelRefusal> {
    const evidence = await this.notNetunnelEvidence();
    return evidence === undefined ? this.refusal(status, text) : new NotNetunnelServerError(this.serverUrl, evidence);
  }

  /**
   * Opens a websocket (with heartbeat) and resolves once it is open, **paused**: frames may
   * follow the handshake in the same packet, so the consumer attaches its listeners first
   * and then calls resume(). `extraHeaders` go along with the auth plugin's (e.g. a channel's
   * websocket-tokens credentials).
   */
  async openWebsocket(path: string, extraHeaders: Record<string, string> = {}): Promise<WebSocket> {
    // Cached headers come without a wait: the handshake starts in the caller's turn.
    const auth = this.authHeaders.get();
    const headers = {...(auth instanceof Promise ? await auth : auth), ...extraHeaders};
    const url = this.url(path).replace(/^http/, 'ws');
    const websocket = new WebSocket(url, {
      headers,
      perMessageDeflate: false,
      ...this.tlsOptions,
      handshakeTimeout: this.options.requestTimeoutMs ?? 30_000,
      ...(this.usesProxy ? {agent: this.agent} : {}),
    });
    websocket.once('upgrade', (response) => skipRepeatedEnds(response.socket));
    return new Promise<WebSocket>((resolve, reject) => {
      websocket.once('open', () => {
        websocket.removeAllListeners('unexpected-response');
        websocket.pause();
        keepAlive(websocket, this.options.heartbeatMs);
        resolve(websocket);
      });
      websocket.once('unexpected-response', (request, response) => {
        const proxyRefusal = this.proxyRefusal(request);
        if (proxyRefusal) {
          response.resume();
          request.destroy();
          reject(proxyRefusal);
          return;
        }
        const status = response.statusCode ?? 0;
        text(response).then(
          (body) => {
            reject(this.refusal(status, body));
            request.destroy();
          },
          () => reject(this.refusal(status, '')),
        );
      });
      websocket.once('error', (error) => reject(this.unreachable(error)));
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private async send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
    const {status, text, contentType} = await this.exchange(method, path, body, headers);
    let parsed: unknown;
    const isJson = contentType.includes('json');
    if (isJson) {
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        throw new ServerRefusedError(status, `The server answered invalid JSON: ${text.slice(0, 200)}`);
      }
    }
    // Like 1.0.12: any JSON answer with an `error` key is a refusal, whatever the status.
    if (isErrorBody(parsed)) throw new ServerRefusedError(status, String(parsed.error));
    // No NETunnel route answers anything but JSON (1.0.12's own refusals are plain text too):
    // the server is asked what it is before its page is taken for a refusal.
    if (!isJson) throw await this.refusalOrStranger(status, text);
    if (status >= 400) throw this.refusal(status, text);
    return parsed;
  }

  private refusal(status: number, text: string): ServerRefusedError {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isErrorBody(parsed)) return new ServerRefusedError(status, String(parsed.error));
    } catch {
      // not JSON: the text itself is the message
    }
    const trimmed = text.trim();
    return new ServerRefusedError(status, trimmed === '' ? `HTTP ${status}` : trimmed.split('\n')[0]!.slice(0, 500));
  }

  private unreachable(error: unknown): ServerUnreachableError | NotNetunnelServerError {
    if (isNotHttp(error)) return new NotNetunnelServerError(this.serverUrl, `it does not answer in HTTP: ${this.reasonOf(error)}`);
    const through = this.proxyOrigin === undefined ? '' : ` through the proxy ${this.proxyOrigin}`;
    return new ServerUnreachableError(`Cannot reach ${this.serverUrl}${through}: ${this.reasonOf(error)}`, {cause: error});
  }

  /**
   * OpenSSL's words for a refused client certificate say little: a server that wants one
   * sends an alert; one that does not trust ours (Node checks after the handshake) hangs up.
   */
  private reasonOf(error: unknown): string {
    const code = (error as NodeJS.ErrnoException).code;
    if (this.base.protocol === 'https:') {
      if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') return 'the server requires a client certificate';
      if (code === 'ECONNRESET' && this.hasClientCertificate) return `${messageOf(error)} (the server may not accept the client certificate)`;
    }
    return messageOf(error).split('\n')[0]!;
  }

  /** The error for a request whose CONNECT the proxy refused (undefined if it did not). */
  private proxyRefusal(request: http.ClientRequest): ServerUnreachableError | undefined {
    const answer = this.proxyRefusals.get(request);
    if (!answer) return undefined;
    const status = `${answer.statusCode} ${answer.statusText}`.trim();
    const proxy = `the proxy ${this.proxyOrigin}`;
    if (answer.statusCode === 407) {
      const what = this.proxyHasCredentials ? 'refused the proxy credentials' : 'requires proxy credentials';
      return new ServerUnreachableError(`Cannot reach ${this.serverUrl}: ${proxy} ${what} (${status})`);
    }
    return new ServerUnreachableError(`Cannot reach ${this.serverUrl}: ${proxy} answered ${status}`);
  }

  private exchange(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<{status: number; text: string; contentType: string}> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const target = new URL(this.url(path));
    const requestHeaders: Record<string, string> = {...headers, Accept: 'application/json'};
    if (payload !== undefined) {
      requestHeaders['Content-Type'] = 'application/json';
      requestHeaders['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const send = this.base.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(
        target,
        // The TLS options go with each request too: through a proxy, the agent's CONNECT tunnel takes them from there.
        {method, headers: requestHeaders, agent: this.agent, ...this.tlsOptions, timeout: this.options.requestTimeoutMs ?? 30_000},
        (response) => {
          const proxyRefusal = this.proxyRefusal(request);
          if (proxyRefusal) {
            response.resume();
            reject(proxyRefusal);
            return;
          }
          text(response).then(
            (body) => resolve({status: response.statusCode ?? 0, text: body, contentType: String(response.headers['content-type'] ?? '')}),
            (error: unknown) => reject(this.unreachable(error)),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error('request timed out')));
      request.on('error', (error) => reject(this.unreachable(error)));
      request.end(payload);
    });
  }
}
