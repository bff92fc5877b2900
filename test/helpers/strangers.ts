/** Services that are not NETunnel servers, on 127.0.0.1 port 0: what a wrong URL may reach. */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import {once} from 'node:events';
import {closeWhole, listenLocally} from './http-servers.js';

/** A web server like `python3 -m http.server`: 404 pages for every path, 501 for POST. */
export async function startWebServer(after: (cleanup: () => void) => void): Promise<string> {
  const server = http.createServer((request, response) => {
    const status = request.method === 'GET' ? 404 : 501;
    response.writeHead(status, {'Content-Type': 'text/html;charset=utf-8'});
    response.end(`<!DOCTYPE HTML>\n<html><body><h1>Error response</h1><p>Error code: ${status}</p></body></html>\n`);
  });
  const url = await listenLocally(server);
  after(() => void closeWhole(server));
  return url;
}

/** A service that does not speak HTTP (an SSH server's greeting). */
export async function startGreetingServer(after: (cleanup: () => void) => void): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.end('SSH-2.0-OpenSSH_9.6\r\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

