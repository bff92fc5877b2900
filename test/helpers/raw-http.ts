/** Raw HTTP and raw upgrade attempts against a server, to check routes byte by byte (no client library in between). */
import http from 'node:http';
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
  options: {body?: unknown; rawBody?: string; headers?: Record<string, string>} = {},
): Promise<RawAnswer> {
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = {...options.headers};
  if (payload !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, baseUrl), {method, headers, agent: false}, (response) => {
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
