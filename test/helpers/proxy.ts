/** A real HTTP proxy (the `proxy` package) with Basic auth, and small HTTP/TLS services for tests. */
import http from 'node:http';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {connect, type AddressInfo, type Socket} from 'node:net';
import tls from 'node:tls';
import {createProxy} from 'proxy';
import {closeWhole, listenLocally} from './http-servers.js';

export interface TestProxy {
  url: string;
  port: number;
  /** Every request the proxy was asked, e.g. `CONNECT 127.0.0.1:4040` or `GET http://...`, auth good or not. */
  seen: string[];
  close(): Promise<void>;
}

export async function startProxy(credentials?: {username: string; password: string}): Promise<TestProxy> {
  const server = createProxy(http.createServer());
  const seen: string[] = [];
  server.authenticate = (request) => {
    seen.push(`${request.method} ${request.url}`);
    if (!credentials) return true;
    const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    return request.headers['proxy-authorization'] === expected;
  };
  const url = await listenLocally(server);
  return {url, port: Number(new URL(url).port), seen, close: () => closeWhole(server)};
}

/** An HTTP server: `/ok` answers 200, `/broken` 500, `/moved` redirects to `/ok`. */
export async function startWebServer(): Promise<{url: string; close(): Promise<void>}> {
  const server = http.createServer((request, response) => {
    if (request.url === '/ok') response.writeHead(200, {'Content-Type': 'text/plain'}).end('ok');
    else if (request.url === '/moved') response.writeHead(302, {Location: '/ok'}).end();
    else response.writeHead(500).end('broken');
  });
  return {url: await listenLocally(server), close: () => closeWhole(server)};
}

const TLS_DIR = new URL('../fixtures/tls/', import.meta.url);

/** TLS in front of a plain TCP port, with a self-signed certificate for 127.0.0.1 (an `https` peer). */
export async function startTlsFront(targetPort: number): Promise<{url: string; close(): Promise<void>}> {
  const sockets = new Set<Socket>();
  const server = tls.createServer(
    {key: readFileSync(new URL('self-signed.key', TLS_DIR)), cert: readFileSync(new URL('self-signed.crt', TLS_DIR))},
    (secure) => {
      const plain = connect({port: targetPort, host: '127.0.0.1'});
      sockets.add(secure).add(plain);
      for (const socket of [secure, plain]) {
        socket.on('error', () => {});
        socket.on('close', () => {
          secure.destroy();
          plain.destroy();
        });
      }
      secure.pipe(plain).pipe(secure);
    },
  );
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
