/**
 * Just enough of a NETunnel server, built from node:http and ws, to script what a real one
 * would not do on demand (stop answering pings, send chosen control frames). One channel (1).
 */
import http from 'node:http';
import type {Duplex} from 'node:stream';
import type {TestContext} from 'node:test';
import WebSocket, {WebSocketServer} from 'ws';
import {closeWhole, listenLocally} from './http-servers.js';

export interface FakeServer {
  url: string;
  /** The control websocket, once the client opened it. */
  control: Promise<WebSocket>;
  /** Every REST request, as "METHOD /path". */
  requests: string[];
  /** Paths of the tunnel websockets the client opened. */
  tunnelWebsockets: string[];
}

export async function startFakeServer(t: TestContext, options: {autoPong?: boolean} = {}): Promise<FakeServer> {
  const websockets = new WebSocketServer({noServer: true, autoPong: options.autoPong ?? true});
  const accepted: WebSocket[] = [];
  const requests: string[] = [];
  const tunnelWebsockets: string[] = [];
  let nextTunnelId = 3;
  let resolveControl!: (websocket: WebSocket) => void;
  const control = new Promise<WebSocket>((resolve) => (resolveControl = resolve));
  const server = http.createServer((request, response) => {
    request.resume();
    requests.push(`${request.method} ${request.url}`);
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, {'Content-Type': 'application/json'});
      response.end(JSON.stringify(body));
    };
    if (request.method === 'POST' && request.url === '/channels') return answer(200, {channel_id: 1, version: '1.0.12'});
    if (request.method === 'POST' && request.url === '/channels/1/tunnels') return answer(200, {tunnel_id: nextTunnelId++});
    if (request.method === 'DELETE' && request.url?.startsWith('/channels/1/tunnels/')) return answer(200, null);
    return answer(404, {error: 'not here'});
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = request.url ?? '';
    const isControl = path === '/channels/1/connect';
    if (!isControl && !/^\/channels\/1\/tunnels\/\d+\/connect$/.test(path)) {
      socket.destroy();
      return;
    }
    websockets.handleUpgrade(request, socket, head, (websocket) => {
      accepted.push(websocket);
      websocket.on('error', () => {});
      if (isControl) resolveControl(websocket);
      else tunnelWebsockets.push(path);
    });
  });
  const url = await listenLocally(server);
  t.after(() => closeWhole(server, accepted));
  return {url, control, requests, tunnelWebsockets};
}
