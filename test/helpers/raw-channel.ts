/**
 * A client speaking the raw wire, scripted by the test: a channel (`POST /channels`), its
 * control websocket, tunnels, and tunnel websockets opened only when the test says so. It
 * speaks 1.0.12's classic wire unless given `features`. Every socket may be bound to a chosen
 * local address: 127.0.0.2 plays another host (Linux routes all of 127/8 to loopback).
 */
import http from 'node:http';
import type {TestContext} from 'node:test';
import WebSocket from 'ws';
import {decodeFrame, encodeResponse, type RequestFrame} from '../../source/protocol/channel-frames.js';
import {CHANNEL_SECRET_HEADER} from '../../source/protocol/websocket-tokens.js';

export interface RawOptions {
  /** Auth headers, sent on every request and upgrade. */
  headers?: Record<string, string>;
  localAddress?: string;
}

/** A websocket upgrade that opened, or the HTTP answer that refused it. */
export type Attempt = {websocket: WebSocket} | {status: number; body: unknown};

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Tries a websocket upgrade; an opened websocket is closed by the test's end. */
export function attemptWebsocket(t: TestContext, url: string, path: string, options: RawOptions & {autoPong?: boolean} = {}): Promise<Attempt> {
  const websocket = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, {
    headers: options.headers ?? {},
    perMessageDeflate: false,
    autoPong: options.autoPong ?? true,
    ...(options.localAddress ? {localAddress: options.localAddress} : {}),
  });
  websocket.on('error', () => {});
  t.after(() => websocket.terminate());
  return new Promise((resolve, reject) => {
    websocket.once('open', () => resolve({websocket}));
    websocket.once('unexpected-response', (request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({status: response.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8'))});
        request.destroy();
      });
    });
    websocket.once('error', reject);
  });
}

/** A JSON request from a chosen local address. */
export function rawJson(url: string, method: string, path: string, body: unknown, options: RawOptions = {}): Promise<{status: number; body: unknown}> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(path, url),
      {
        method,
        agent: false,
        headers: {...options.headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload))},
        ...(options.localAddress ? {localAddress: options.localAddress} : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({status: response.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8'))}));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

export interface RawChannel {
  id: number;
  /** The answer of `POST /channels`, as sent. */
  answer: Record<string, unknown>;
  /** The channel secret (websocket-tokens) our server handed out, if it did. */
  secret: string | undefined;
  control: WebSocket;
  /** The next request the server sent on the control websocket (each was answered success at once, as 1.0.12 does). */
  nextRequest(): Promise<RequestFrame>;
  /** `POST /channels/{id}/tunnels`; resolves with the answer's body. */
  createTunnel(body: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Opens a tunnel websocket with this channel's auth headers and address, plus `headers`. */
  connectTunnel(tunnelId: number, headers?: Record<string, string>, options?: {autoPong?: boolean}): Promise<Attempt>;
}

export async function openRawChannel(t: TestContext, url: string, options: RawOptions & {features?: string[]} = {}): Promise<RawChannel> {
  const channelBody: Record<string, unknown> = {version: '1.0.12'};
  if (options.features) channelBody.features = options.features;
  const created = await rawJson(url, 'POST', '/channels', channelBody, options);
  if (created.status !== 200) throw new Error(`POST /channels answered ${created.status}: ${JSON.stringify(created.body)}`);
  const answer = created.body as Record<string, unknown>;
  const id = answer.channel_id as number;
  const secret = typeof answer.channel_secret === 'string' ? answer.channel_secret : undefined;
  const ownHeaders = {...options.headers, ...(secret === undefined ? {} : {[CHANNEL_SECRET_HEADER]: secret})};
  const opened = await attemptWebsocket(t, url, `/channels/${id}/connect`, {...options, headers: ownHeaders});
  if (!('websocket' in opened)) throw new Error(`The control websocket was refused: ${opened.status} ${JSON.stringify(opened.body)}`);
  const control = opened.websocket;
  const requests: RequestFrame[] = [];
  const waiting: Array<(frame: RequestFrame) => void> = [];
  control.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) return;
    const frame = decodeFrame(data);
    if (frame.kind !== 'message') return;
    control.send(encodeResponse(frame.identifier, {}), {binary: true});
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else requests.push(frame);
  });
  return {
    id,
    answer,
    secret,
    control,
    nextRequest: () => {
      const queued = requests.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve) => waiting.push(resolve));
    },
    createTunnel: async (body) => {
      const tunnel = await rawJson(url, 'POST', `/channels/${id}/tunnels`, body, options);
      if (tunnel.status !== 200) throw new Error(`POST tunnels answered ${tunnel.status}: ${JSON.stringify(tunnel.body)}`);
      return tunnel.body as Record<string, unknown>;
    },
    connectTunnel: (tunnelId, headers = {}, connect = {}) =>
      attemptWebsocket(t, url, `/channels/${id}/tunnels/${tunnelId}/connect`, {...options, ...connect, headers: {...ownHeaders, ...headers}}),
  };
}
