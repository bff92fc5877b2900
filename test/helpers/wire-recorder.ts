/**
 * A TCP relay to 127.0.0.1:targetPort that records every byte both ways, per connection, and
 * reads the recording back as HTTP/1.1 and RFC 6455: what really went on the wire, with no
 * library in between. (Everything through it comes from one address: the relay's.)
 */
import {createServer, connect, type Socket} from 'node:net';
import {once} from 'node:events';

export interface RecordedConnection {
  toServer: Buffer[];
  toClient: Buffer[];
  /** For each chunk of toClient, its place in the order the relay read every chunk of every connection. */
  toClientOrder: number[];
}

export interface HttpMessageHead {
  /** `GET /path` for a request, `101` or `200` for a response. */
  startLine: string;
  /** Names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface WebsocketFrame {
  opcode: number;
  payload: Buffer;
}

export interface RecordedUpgrade {
  method: string;
  path: string;
  /** The server's answer: 101 when it accepted the websocket (0 before any answer). */
  status: number;
  headers: Record<string, string>;
  /** Frames the server sent after its 101 (none if it refused). */
  serverFrames: WebsocketFrame[];
  /** Frames the client sent (unmasked here). */
  clientFrames: WebsocketFrame[];
}

export interface RecordedExchange {
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number;
  responseBody: string;
}

/** Parses HTTP messages one after the other (Content-Length bodies); stops at anything else, returning where. */
function parseMessages(bytes: Buffer, max = Infinity): {messages: HttpMessageHead[]; rest: Buffer} {
  const messages: HttpMessageHead[] = [];
  let offset = 0;
  while (messages.length < max) {
    const end = bytes.indexOf('\r\n\r\n', offset);
    if (end === -1) break;
    const [startLine, ...lines] = bytes.subarray(offset, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = end + 4;
    messages.push({startLine: startLine!, headers, body: bytes.subarray(bodyStart, bodyStart + length).toString('utf8')});
    offset = bodyStart + length;
  }
  return {messages, rest: bytes.subarray(offset)};
}

export function parseFrames(bytes: Buffer): WebsocketFrame[] {
  const frames: WebsocketFrame[] = [];
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const first = bytes[offset]!;
    const second = bytes[offset + 1]!;
    let length = second & 0x7f;
    let position = offset + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(position);
      position += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(position));
      position += 8;
    }
    const mask = second & 0x80 ? bytes.subarray(position, position + 4) : undefined;
    if (mask) position += 4;
    if (position + length > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(position, position + length));
    if (mask) for (let index = 0; index < payload.length; index += 1) payload[index]! ^= mask[index % 4]!;
    frames.push({opcode: first & 0x0f, payload});
    offset = position + length;
  }
  return frames;
}

export interface WireRecorder {
  port: number;
  url: string;
  connections: RecordedConnection[];
  /** Every websocket upgrade request, with the frames of each side. */
  upgrades(): RecordedUpgrade[];
  /** Every REST request and its answer. */
  exchanges(): RecordedExchange[];
  close(): Promise<void>;
}

export async function startWireRecorder(targetPort: number): Promise<WireRecorder> {
  const connections: RecordedConnection[] = [];
  const sockets: Socket[] = [];
  let chunksRead = 0;
  // No Nagle: held back small frames would wait for delayed ACKs (40 ms each), which the
  // recorded peers themselves never do.
  const server = createServer({noDelay: true}, (client) => {
    const recorded: RecordedConnection = {toServer: [], toClient: [], toClientOrder: []};
    connections.push(recorded);
    const upstream = connect({port: targetPort, host: '127.0.0.1', noDelay: true});
    sockets.push(client, upstream);
    for (const socket of [client, upstream]) socket.on('error', () => {});
    client.on('data', (chunk: Buffer) => {
      chunksRead += 1;
      recorded.toServer.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      recorded.toClientOrder.push(chunksRead++);
      recorded.toClient.push(chunk);
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const {port} = server.address() as {port: number};
  const split = (head: HttpMessageHead) => head.startLine.split(' ');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections,
    upgrades: () =>
      connections.flatMap((connection) => {
        const request = parseMessages(Buffer.concat(connection.toServer), 1);
        const head = request.messages[0];
        if (!head || head.headers.upgrade?.toLowerCase() !== 'websocket') return [];
        const response = parseMessages(Buffer.concat(connection.toClient), 1);
        const status = Number(response.messages[0]?.startLine.split(' ')[1] ?? 0);
        const accepted = status === 101;
        const [method, path] = split(head);
        return [
          {
            method: method!,
            path: path!,
            status,
            headers: head.headers,
            serverFrames: accepted ? parseFrames(response.rest) : [],
            clientFrames: parseFrames(request.rest),
          },
        ];
      }),
    exchanges: () =>
      connections.flatMap((connection) => {
        const requests = parseMessages(Buffer.concat(connection.toServer)).messages;
        if (requests[0]?.headers.upgrade !== undefined) return [];
        const responses = parseMessages(Buffer.concat(connection.toClient)).messages;
        return requests.map((request, index) => {
          const [method, path] = split(request);
          return {
            method: method!,
            path: path!,
            requestHeaders: request.headers,
            requestBody: request.body,
            status: Number(responses[index]?.startLine.split(' ')[1] ?? 0),
            responseBody: responses[index]?.body ?? '',
          };
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
