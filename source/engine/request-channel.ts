/**
 * Request/response messaging over one websocket, the control channel of PROTOCOL.md 3.1.
 * Each side numbers its own requests from 1; a malformed frame is reported and dropped,
 * never allowed to take the process down.
 */
import {EventEmitter} from 'node:events';
import WebSocket from 'ws';
import {decodeFrame, encodeRequest, encodeResponse, type FrameData} from '../protocol/channel-frames.js';
import {messageOf} from '../protocol/errors.js';
import {ChannelClosedError, ChannelRequestError} from './engine-errors.js';

export type MessageHandler = (messageName: string, data: FrameData) => Promise<FrameData> | FrameData;

interface PendingRequest {
  resolve(data: FrameData): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export interface RequestChannelEvents {
  close: [];
  /** A frame that could not be understood, with the reason (for logs). */
  warning: [string];
}

export class RequestChannel extends EventEmitter<RequestChannelEvents> {
  private nextIdentifier = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private closed = false;

  constructor(
    readonly websocket: WebSocket,
    private readonly handler: MessageHandler,
  ) {
    super();
    websocket.on('message', (data, isBinary) => {
      if (!isBinary) return;
      this.receive(Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]));
    });
    websocket.on('error', (error) => this.emit('warning', `control channel error: ${error.message}`));
    websocket.once('close', () => this.onClose());
    websocket.resume();
  }

  /** True once the websocket has closed (the 'close' event was emitted). */
  get isClosed(): boolean {
    return this.closed;
  }

  get isOpen(): boolean {
    return !this.closed && this.websocket.readyState === WebSocket.OPEN;
  }

  /** Sends a request and resolves with the answer's data; rejects on an error answer. */
  request(messageName: string, data: FrameData, timeoutMs = 30_000): Promise<FrameData> {
    if (!this.isOpen) return Promise.reject(new ChannelClosedError());
    const identifier = this.nextIdentifier++;
    return new Promise<FrameData>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(identifier);
              reject(new ChannelRequestError(`No answer to ${messageName} within ${timeoutMs} ms`));
            }, timeoutMs)
          : undefined;
      timer?.unref();
      this.pending.set(identifier, {resolve, reject, timer});
      this.websocket.send(encodeRequest(identifier, messageName, data), {binary: true});
    });
  }

  close(code = 1000): void {
    if (this.websocket.readyState === WebSocket.OPEN || this.websocket.readyState === WebSocket.CONNECTING) {
      this.websocket.close(code);
    }
  }

  private receive(bytes: Buffer): void {
    let frame;
    try {
      frame = decodeFrame(bytes);
    } catch (error) {
      this.emit('warning', messageOf(error));
      return;
    }
    if (frame.kind === 'response') {
      const waiting = this.pending.get(frame.identifier);
      if (!waiting) {
        this.emit('warning', `response to an unknown request ${frame.identifier} dropped`);
        return;
      }
      this.pending.delete(frame.identifier);
      clearTimeout(waiting.timer);
      if (frame.error !== undefined) waiting.reject(new ChannelRequestError(frame.error));
      else waiting.resolve(frame.data);
      return;
    }
    void this.answer(frame.identifier, frame.messageName, frame.data);
  }

  private async answer(identifier: number, messageName: string, data: FrameData): Promise<void> {
    let reply: Uint8Array;
    try {
      reply = encodeResponse(identifier, (await this.handler(messageName, data)) ?? {});
    } catch (error) {
      reply = encodeResponse(identifier, {}, messageOf(error));
    }
    if (this.websocket.readyState === WebSocket.OPEN) this.websocket.send(reply, {binary: true});
  }

  private onClose(): void {
    this.closed = true;
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new ChannelClosedError());
    }
    this.pending.clear();
    this.emit('close');
  }
}
