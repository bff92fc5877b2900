/** Reading JSON requests and writing JSON answers, including refusals on a bare socket (upgrades, parser errors). */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {STATUS_CODES} from 'node:http';
import type {Duplex} from 'node:stream';
import {text} from 'node:stream/consumers';
import {badRequest, LimitError} from './http-errors.js';

/** Without another limit: aiohttp's client_max_size, what 1.0.12 accepts. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Far deeper than any body of the protocol (an auth plugin's data included): a deeper one
 * would only make validators and serializers recurse until the stack gives out.
 */
export const MAX_BODY_DEPTH = 64;

/** How deeply arrays and objects nest in a parsed JSON value (iteratively: the value may be deep). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_BODY_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function tooLarge(maxBytes: number): LimitError {
  return new LimitError('body_bytes', 413, `Request body larger than ${maxBytes} bytes`);
}

/** The request's bytes, refused as soon as more than `maxBytes` came (nothing more is kept). */
async function* upTo(request: IncomingMessage, maxBytes: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of request) {
    const bytes: Buffer = chunk;
    size += bytes.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    yield bytes;
  }
}

/**
 * The parsed JSON body, or undefined for an empty one. Not JSON, or nested deeper than
 * MAX_BODY_DEPTH: 400 with the reason.
 * A body over `maxBytes` is refused (413) as soon as its Content-Length says so, else as soon
 * as that many bytes came; nothing more of it is kept.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const body = await text(upTo(request, maxBytes));
  if (body.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw badRequest(`Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (depthOf(value) > MAX_BODY_DEPTH) throw badRequest(`Request body nested deeper than ${MAX_BODY_DEPTH} levels`);
  return value;
}

/** True while a request still has body bytes on the way that nobody read. */
export function hasUnreadBody(request: IncomingMessage): boolean {
  if (request.complete) return false;
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/**
 * A JSON answer. No body (null or undefined) is what 1.0.12 sends for its answers without
 * data (aiohttp's `web.json_response()`): `Content-Type: application/json`, an empty body.
 */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (body === null || body === undefined) {
    response.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': 0});
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text)});
  response.end(text);
}

/** Runs `callback` once the answer is handed to the socket, or once its connection closed without it. */
export function afterAnswer(response: ServerResponse, callback: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    callback();
  };
  response.once('finish', once);
  response.once('close', once);
}

/** aiohttp's text for its HTTP exceptions, e.g. `404: Not Found`. */
export function plainStatusText(status: number): string {
  return `${status}: ${STATUS_CODES[status] ?? 'Error'}`;
}

/**
 * Answers on a bare socket (a refused upgrade, a request the parser refused) and lets go of
 * it once the answer is out: the socket allows half-open, so ending alone would keep it for as
 * long as the other side likes.
 */
export function refuseOnSocket(socket: Duplex, status: number, body: unknown, plainText?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = plainText ?? JSON.stringify(body);
  const contentType = plainText === undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: ${contentType}\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Connection: close\r\n\r\n' +
      text,
    () => socket.destroy(),
  );
}
