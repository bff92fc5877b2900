/**
 * Websockets by hand over a raw TCP socket, to send what no library would: bad opcodes,
 * reserved bits, unmasked frames, lying or 64-bit lengths, fragmented control frames. The
 * server's frames are read back one by one, so a test can assert the exact close code.
 */
import {connect, type Socket} from 'node:net';
import {once} from 'node:events';
import {randomBytes} from 'node:crypto';

export const OPCODES = {continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa} as const;

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  /** Default true. */
  fin?: boolean;
  /** The three reserved bits, RSV1 = 4, RSV2 = 2, RSV3 = 1. */
  rsv?: number;
  /** Client frames must be masked (default true). */
  mask?: boolean;
  /** The length the header claims, when it is not the payload's (a lie, or more than is sent). */
  length?: number | bigint;
}

export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const length = BigInt(spec.length ?? payload.length);
  const masked = spec.mask ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  let header: Buffer;
  if (length < 126n) {
    header = Buffer.from([first, Number(length)]);
  } else if (length < 65536n) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(Number(length), 2);
    header[1] = 126;
  } else {
    header = Buffer.alloc(10);
    header.writeBigUInt64BE(length, 2);
    header[1] = 127;
  }
  header[0] = first;
  if (!masked) return Buffer.concat([header, payload]);
  header[1] = header[1]! | 0x80;
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let index = 0; index < body.length; index += 1) body[index] = body[index]! ^ key[index % 4]!;
  return Buffer.concat([header, key, body]);
}

export const closePayload = (code: number, reason = '') => {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
};

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export interface Closing {
  /** The code of the server's close frame, or null when the socket closed without one. */
  code: number | null;
  reason: string;
}

/** One raw websocket: frames out as written, the server's frames in as they come. */
export class RawWebsocket {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly frames: ServerFrame[] = [];
  private readonly waiting: Array<() => void> = [];
  private ended = false;

  constructor(
    readonly socket: Socket,
    rest: Buffer,
  ) {
    socket.on('data', (chunk: Buffer) => this.take(chunk));
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
    if (rest.length > 0) this.take(rest);
  }

  get closed(): boolean {
    return this.ended;
  }

  send(spec: FrameSpec): boolean {
    return this.write(encodeFrame(spec));
  }

  write(bytes: Buffer): boolean {
    if (this.socket.destroyed) return false;
    return this.socket.write(bytes);
  }

  /** The next frame from the server (pings answered by nobody: they are frames too), or undefined once closed. */
  async nextFrame(timeoutMs = 5000): Promise<ServerFrame | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame from the server within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.shift();
  }

  /** Skips data frames until the server's close frame (or the end of the socket). */
  async closing(timeoutMs = 5000): Promise<Closing> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.nextFrame(Math.max(1, deadline - Date.now()));
      if (!frame) return {code: null, reason: ''};
      if (frame.opcode !== OPCODES.close) continue;
      if (frame.payload.length < 2) return {code: 1005, reason: ''};
      return {code: frame.payload.readUInt16BE(0), reason: frame.payload.subarray(2).toString('utf8')};
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private take(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const frame = this.parseOne();
      if (!frame) break;
      this.frames.push(frame);
    }
    this.wake();
  }

  /** Server frames are never masked. */
  private parseOne(): ServerFrame | undefined {
    const bytes = this.buffered;
    if (bytes.length < 2) return undefined;
    let length = bytes[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (bytes.length < 4) return undefined;
      length = bytes.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return undefined;
      length = Number(bytes.readBigUInt64BE(2));
      offset = 10;
    }
    if (bytes.length < offset + length) return undefined;
    this.buffered = bytes.subarray(offset + length);
    return {fin: (bytes[0]! & 0x80) !== 0, opcode: bytes[0]! & 0x0f, payload: Buffer.from(bytes.subarray(offset, offset + length))};
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

export interface UpgradeAnswer {
  status: number;
  /** The head and body of a refusal (empty for 101). */
  text: string;
  /** The body of a refusal. */
  body: string;
  websocket: RawWebsocket | undefined;
}

/**
 * Sends a handcrafted upgrade request (`headers` replace the websocket ones when given) and
 * reads the answer: a RawWebsocket on 101, else the refusal as text, read until the server closes.
 */
export async function rawUpgrade(
  port: number,
  path: string,
  headers?: Record<string, string>,
  method = 'GET',
  {localAddress}: {localAddress?: string} = {},
): Promise<UpgradeAnswer> {
  const socket = connect({port, host: '127.0.0.1', localAddress});
  socket.on('error', () => {});
  await once(socket, 'connect');
  const lines = Object.entries(
    headers ?? {
      Host: `127.0.0.1:${port}`,
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
    },
  ).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`);
  let received: Buffer = Buffer.alloc(0);
  const head = await new Promise<{head: string; rest: Buffer}>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      const headText = received.subarray(0, end).toString('latin1');
      if (!headText.startsWith('HTTP/1.1 101')) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({head: headText, rest: received.subarray(end + 4)});
    };
    const onClose = () => {
      if (received.length > 0) resolve({head: received.toString('utf8'), rest: Buffer.alloc(0)});
      else reject(new Error(`the server closed the upgrade of ${path} without an answer`));
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head.head)?.[1] ?? 0);
  if (status !== 101) {
    const bodyAt = head.head.indexOf('\r\n\r\n');
    return {status, text: head.head, body: bodyAt === -1 ? '' : head.head.slice(bodyAt + 4), websocket: undefined};
  }
  socket.pause();
  const websocket = new RawWebsocket(socket, head.rest);
  socket.resume();
  return {status, text: '', body: '', websocket};
}
