/** A real websocket pair and a real TCP socket pair on 127.0.0.1, for engine tests. */
import {createServer, connect, type Socket} from 'node:net';
import {once} from 'node:events';
import WebSocket, {WebSocketServer} from 'ws';

export interface WebsocketPair {
  /** The side that connected. */
  client: WebSocket;
  /** The side that accepted. */
  server: WebSocket;
  close(): Promise<void>;
}

export async function websocketPair(options: {autoPong?: boolean} = {}): Promise<WebsocketPair> {
  const wss = new WebSocketServer({host: '127.0.0.1', port: 0, perMessageDeflate: false, autoPong: options.autoPong ?? true});
  await once(wss, 'listening');
  const {port} = wss.address() as {port: number};
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${port}/`, {perMessageDeflate: false});
  const [[server]] = await Promise.all([accepted, once(client, 'open')]);
  client.on('error', () => {});
  server.on('error', () => {});
  return {
    client,
    server,
    close: async () => {
      client.terminate();
      server.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export interface SocketPair {
  /** The connecting side: an ordinary application socket (no half-open). */
  a: Socket;
  /** The accepted side, half-open allowed, as the tunnel's own sockets are. */
  b: Socket;
  close(): Promise<void>;
}

export async function socketPair(): Promise<SocketPair> {
  const server = createServer({allowHalfOpen: true});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const {port} = server.address() as {port: number};
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const a = connect({port, host: '127.0.0.1'});
  const [[b]] = await Promise.all([accepted, once(a, 'connect')]);
  a.on('error', () => {});
  b.on('error', () => {});
  return {
    a,
    b,
    close: async () => {
      a.destroy();
      b.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Collects binary frames until `size` bytes came. */
export function receiveBinary(websocket: WebSocket, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) return;
      const chunk = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      chunks.push(chunk);
      got += chunk.length;
      if (got >= size) {
        websocket.off('message', onMessage);
        websocket.off('close', onClose);
        resolve(Buffer.concat(chunks));
      }
    };
    const onClose = () => reject(new Error(`websocket closed after ${got} of ${size} bytes`));
    websocket.on('message', onMessage);
    websocket.on('close', onClose);
  });
}
