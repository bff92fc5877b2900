/** Raw HTTP and raw upgrade attempts against a server, to check routes byte by byte (no client library in between). */
import http from 'node:http';
import net from 'node:net';
import {randomBytes} from 'node:crypto';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON (null for an empty JSON answer, as 1.0.12 sends), else undefined. */
  json: unknown;
}

function answerOf(response: http.IncomingMessage, text: string): RawAnswer {
  let json: unknown;
  if (String(response.headers['content-type'] ?? '').includes('json')) json = text === '' ? null : JSON.parse(text);
  return {status: response.statusCode ?? 0, headers: response.headers, text, json};
}

function readAll(response: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** One request; `body` is sent as JSON unless `rawBody` is given. */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: {body?: unknown; rawBody?: string; headers?: Record<string, string>; localAddress?: string} = {},
): Promise<RawAnswer> {
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = {...options.headers};
  if (payload !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, baseUrl), {method, headers, agent: false, localAddress: options.localAddress}, (response) => {
      readAll(response).then((text) => resolve(answerOf(response, text)), reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * A websocket upgrade attempt. Resolves with the HTTP answer when the server refuses, or with
 * status 101 (and the upgraded socket destroyed) when it accepts.
 */
export function tryUpgrade(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, baseUrl), {
      agent: false,
      headers: {
        ...headers,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
      },
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({status: response.statusCode ?? 0, headers: response.headers, text: '', json: undefined});
    });
    request.on('response', (response) => {
      readAll(response).then((text) => resolve(answerOf(response, text)), reject);
    });
    request.on('error', reject);
    request.end();
  });
}

export interface RawExchange {
  /** 0 when the server closed without answering. */
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** True when the server closed the connection after (or instead of) its answer. */
  closed: boolean;
}

function parseAnswer(bytes: Buffer): {status: number; headers: Record<string, string>; body: Buffer; complete: boolean} | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = bytes.subarray(end + 4);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  // Node's own bodiless answers (400 without Host, 417) come chunked: an empty last chunk.
  if (headers['transfer-encoding'] === 'chunked') return {status, headers, body: Buffer.alloc(0), complete: body.includes('0\r\n\r\n')};
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  return {status, headers, body, complete: length !== undefined && body.length >= length};
}

/**
 * Writes `bytes` as they are on a fresh connection and reads the first answer: until it is
 * complete and `waitForClose` is false, or until the server closes. Rejects after `timeoutMs`.
 */
export function rawExchange(port: number, bytes: Buffer | string, options: {timeoutMs?: number; waitForClose?: boolean} = {}): Promise<RawExchange> {
  const {timeoutMs = 5000, waitForClose = false} = options;
  return new Promise((resolve, reject) => {
    const socket = net.connect({port, host: '127.0.0.1'});
    let received: Buffer = Buffer.alloc(0);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const answer = parseAnswer(received);
      resolve({status: answer?.status ?? 0, headers: answer?.headers ?? {}, body: answer?.body.toString('utf8') ?? '', closed});
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(bytes).slice(0, 80))} (got ${JSON.stringify(received.toString('latin1').slice(0, 80))})`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!waitForClose && parseAnswer(received)?.complete) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
    socket.write(bytes);
  });
}
