/** A real ws server on 127.0.0.1 for engine tests, with a requester that opens websockets to it. */
import {once} from 'node:events';
import WebSocket, {WebSocketServer} from 'ws';
import type {Defer} from './cleanup.js';

export interface WebsocketServerUnderTest {
  url: string;
  /** Server-side websockets, in the order they were accepted. */
  accepted: WebSocket[];
  /** Client-side websockets opened by `requester`, in order. */
  opened: WebSocket[];
  /** Opens one websocket to the server, resolves once open, paused (as the client's transport does). */
  requester(): Promise<WebSocket>;
  /** Every accepted websocket goes here. */
  onAccept(handler: (websocket: WebSocket) => void): void;
}

export async function startWebsocketServer(defer: Defer): Promise<WebsocketServerUnderTest> {
  const wss = new WebSocketServer({host: '127.0.0.1', port: 0, perMessageDeflate: false});
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${(wss.address() as {port: number}).port}/`;
  const accepted: WebSocket[] = [];
  const opened: WebSocket[] = [];
  let handler: (websocket: WebSocket) => void = () => {};
  wss.on('connection', (websocket) => {
    websocket.on('error', () => {});
    accepted.push(websocket);
    handler(websocket);
  });
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const websocket of [...opened, ...accepted]) websocket.terminate();
        wss.close(() => resolve());
      }),
  );
  return {
    url,
    accepted,
    opened,
    requester: async () => {
      const websocket = new WebSocket(url, {perMessageDeflate: false});
      websocket.on('error', () => {});
      opened.push(websocket);
      await once(websocket, 'open');
      websocket.pause();
      return websocket;
    },
    onAccept(next) {
      handler = next;
    },
  };
}

