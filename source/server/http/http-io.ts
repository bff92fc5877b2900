/** Reading JSON requests and writing JSON answers, including refusals of websocket upgrades. */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {STATUS_CODES} from 'node:http';
import type {Duplex} from 'node:stream';
import {badRequest, HttpError} from './http-errors.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** The parsed JSON body, or undefined for an empty one. Not JSON: 400 with the parser's message. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`Request body is not valid JSON: ${(error as Error).message}`);
  }
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

/** Answers an upgrade request with a plain HTTP error and closes the socket (no websocket). */
export function refuseUpgrade(socket: Duplex, status: number, body: unknown, plainText?: string): void {
  const text = plainText ?? JSON.stringify(body);
  const contentType = plainText === undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: ${contentType}\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Connection: close\r\n\r\n' +
      text,
  );
}
