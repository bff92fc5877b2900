/**
 * A server that answers what the test says, built from node:http and ws: each "METHOD /path"
 * gets its scripted answer (JSON, text or an empty JSON body), anything else a 404 in 1.0.12's
 * words, and `/events` sends the scripted frames. For checking what the client makes of
 * answers a real server would not give (wrong shapes) and of 1.0.12's exact answers.
 */
import http from 'node:http';
import type {Duplex} from 'node:stream';
import type {TestContext} from 'node:test';
import WebSocket, {WebSocketServer} from 'ws';
import {closeWhole, listenLocally} from './http-servers.js';

export type ScriptedAnswer = {status?: number; json: unknown} | {status?: number; text: string};

export interface AnsweringServer {
  url: string;
  /** Every request as "METHOD /path BODY". */
  requests: string[];
  /** The `/events` websockets opened so far. */
  eventStreams: number;
}

export async function startAnsweringServer(
  t: TestContext,
  answers: Record<string, ScriptedAnswer>,
  frames: string[] = [],
): Promise<AnsweringServer> {
  const websockets = new WebSocketServer({noServer: true});
  const accepted: WebSocket[] = [];
  const state: AnsweringServer = {url: '', requests: [], eventStreams: 0};
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = `${request.method} ${request.url}`;
      state.requests.push(`${key} ${Buffer.concat(chunks).toString('utf8')}`.trim());
      const answer = answers[key] ?? {status: 404, text: '404: Not Found'};
      if ('text' in answer) {
        response.writeHead(answer.status ?? 200, {'Content-Type': 'text/plain; charset=utf-8'});
        response.end(answer.text);
        return;
      }
      response.writeHead(answer.status ?? 200, {'Content-Type': 'application/json; charset=utf-8'});
      // 1.0.12 answers `null` with an empty JSON body.
      response.end(answer.json === null ? '' : JSON.stringify(answer.json));
    });
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (request.url !== '/events') {
      socket.destroy();
      return;
    }
    websockets.handleUpgrade(request, socket, head, (websocket) => {
      accepted.push(websocket);
      state.eventStreams += 1;
      websocket.on('error', () => {});
      for (const frame of frames) websocket.send(frame);
    });
  });
  state.url = await listenLocally(server);
  t.after(() => closeWhole(server, accepted));
  return state;
}
