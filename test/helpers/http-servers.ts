/** The life of the node:http servers the test helpers script: listened to on 127.0.0.1, closed whole. */
import type http from 'node:http';
import {once} from 'node:events';
import type WebSocket from 'ws';

/** Listens on 127.0.0.1, on a free port; resolves with the server's http:// URL. */
export async function listenLocally(server: http.Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** Closes the server and every connection it has, websockets (`accepted`) terminated first. */
export function closeWhole(server: http.Server, accepted: readonly WebSocket[] = []): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const websocket of accepted) websocket.terminate();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
