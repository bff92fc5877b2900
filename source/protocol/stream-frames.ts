/**
 * The frames of the stream extension (docs/stream-extension.md): the feature string, the
 * binary start frame's layout, the `end` control frame and the close codes. Data frames have
 * no layout of ours: they are raw bytes, never parsed.
 */
import {ProtocolError} from './errors.js';
import {socketAddressOf, type SocketAddress} from './socket-address.js';

/** Announced in the `features` of `POST /channels`; used only when both sides announce it. */
export const STREAM_FEATURE = 'stream';

/**
 * Key of our server's `POST /channels` answer, only to a client that announced the feature: how
 * many websockets per tunnel the client may hold carrying no connection (idle, or being opened).
 */
export const IDLE_WEBSOCKETS_KEY = 'idle_websockets_per_tunnel';

/** What a client assumes of a server that announces the feature without IDLE_WEBSOCKETS_KEY. */
export const DEFAULT_IDLE_WEBSOCKETS_PER_TUNNEL = 64;

/** The text frame that ends one direction of a connection. */
export const END_FRAME = 'end';
/** END_FRAME as sent (never to be changed). */
export const END_BYTES = Buffer.from(END_FRAME, 'latin1');

/** First two bytes of a start frame: 'S' and the layout version. */
const START_TYPE = 0x53;
const START_LAYOUT = 0x01;
const START_PREFIX_BYTES = 4;
export const MAX_START_HEADER_BYTES = 4096;

/** Close codes (RFC 6455 section 7.4; 4000-4999 are the application's). */
export const CloseCode = {
  /** An idle websocket closed by its owner: no connection is affected. */
  idle: 1000,
  /** A frame of the wrong kind. */
  violation: 1002,
  /** The exit could not reach its target. */
  unreachable: 1011,
  /** A connection reset, failed or cut at the sender's end. */
  aborted: 4000,
} as const;

/** Close reasons are limited to 123 bytes of UTF-8 (RFC 6455 section 5.5). */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let clipped = text.slice(0, 123);
  while (Buffer.byteLength(clipped) > 123) clipped = clipped.slice(0, -1);
  return clipped;
}

/** Per-connection metadata in the start frame; unknown keys are ignored. */
export interface StartHeader {
  /** The application's address, as the entrance saw it. */
  source?: SocketAddress;
}

export interface StartFrame {
  header: StartHeader;
  /** Bytes of the connection that rode with the start (often none). */
  firstData: Buffer;
}

export function encodeStartFrame(header: StartHeader, firstData?: Buffer | null): Buffer {
  const json = JSON.stringify(header);
  const headerBytes = Buffer.byteLength(json);
  if (headerBytes > MAX_START_HEADER_BYTES) throw new ProtocolError(`A start frame header of ${headerBytes} bytes is over ${MAX_START_HEADER_BYTES}`);
  const dataBytes = firstData?.length ?? 0;
  const frame = Buffer.allocUnsafe(START_PREFIX_BYTES + headerBytes + dataBytes);
  frame[0] = START_TYPE;
  frame[1] = START_LAYOUT;
  frame.writeUInt16BE(headerBytes, 2);
  frame.write(json, START_PREFIX_BYTES, 'utf8');
  if (dataBytes > 0) firstData!.copy(frame, START_PREFIX_BYTES + headerBytes);
  return frame;
}

/** Reads a start frame; anything else is a ProtocolError (the caller closes with 1002). */
export function decodeStartFrame(frame: Buffer): StartFrame {
  if (frame.length < START_PREFIX_BYTES || frame[0] !== START_TYPE || frame[1] !== START_LAYOUT) {
    throw new ProtocolError('Not a start frame');
  }
  const headerBytes = frame.readUInt16BE(2);
  if (headerBytes > MAX_START_HEADER_BYTES || START_PREFIX_BYTES + headerBytes > frame.length) {
    throw new ProtocolError(`Bad start frame header length ${headerBytes}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame.toString('utf8', START_PREFIX_BYTES, START_PREFIX_BYTES + headerBytes));
  } catch {
    throw new ProtocolError('The start frame header is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ProtocolError('The start frame header is not a JSON object');
  if (!('source' in parsed) || parsed.source === undefined) return {header: {}, firstData: frame.subarray(START_PREFIX_BYTES + headerBytes)};
  const source = socketAddressOf(parsed.source);
  if (source === undefined) throw new ProtocolError('The start frame header has a bad source');
  const header: StartHeader = {source};
  return {header, firstData: frame.subarray(START_PREFIX_BYTES + headerBytes)};
}

/** True for the text frame `end`. */
export function isEndFrame(data: Buffer): boolean {
  return data.length === END_BYTES.length && data.equals(END_BYTES);
}
