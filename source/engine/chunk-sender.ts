/**
 * Sends a chunk read from a socket as one binary frame, without the copy ws makes of it.
 *
 * A client masks its frames (RFC 6455 section 5.3). ws takes every Buffer it is given as
 * read-only, so for each frame it allocates a new buffer and masks the data into it: on bulk
 * data that copy, and the fresh memory it touches, were a quarter of the client's CPU. A chunk a
 * socket delivered belongs to its reader alone, so here it is masked in place, with ws's own
 * framing (Sender.frame, a random mask as always) and ws's own writer, in the order of every
 * other frame of the websocket. A small chunk (a server's too, which masks nothing) goes out
 * with its header in one buffer. Where ws is not as expected (another version, a sender busy
 * with compression) websocket.send() does the work.
 * The chunk must not be used after this call.
 */
import WebSocket from 'ws';
import * as ws from 'ws';

type SendCallback = (error?: Error) => void;

/** What is used of ws's internals (ws 8: lib/websocket.js, lib/sender.js). */
interface WebsocketInternals {
  _isServer?: boolean;
  _sender?: {
    _state?: number;
    _maskBuffer?: Buffer;
    _generateMask?: (mask: Buffer) => void;
    sendFrame?: (list: Buffer[], cb?: SendCallback) => void;
  } | null;
}

interface FrameMaker {
  frame?: (data: Buffer, options: Record<string, unknown>) => Buffer[];
}

// ws's named export (its types do not declare it); the default export has no `Sender` under ESM.
const frameOf = (ws as unknown as {Sender?: FrameMaker}).Sender?.frame;
/** ws's sender state when it writes at once (not compressing, not reading a blob). */
const SENDER_READY = 0;

/**
 * Below this, a frame goes out as one buffer, header and data copied together: one plain write
 * instead of ws's corked pair of writes (a writev), which costs more than copying a few bytes.
 */
export const SMALL_FRAME_BYTES = 4096;

export function sendChunk(websocket: WebSocket, chunk: Buffer, cb?: SendCallback): void {
  sendFrame(websocket, chunk, BINARY_OPCODE, cb);
}

/** A small text frame (the stream extension's `end`), in one buffer; `text` is not changed. */
export function sendSmallText(websocket: WebSocket, text: Buffer): void {
  sendFrame(websocket, text, TEXT_OPCODE);
}

const TEXT_OPCODE = 1;
const BINARY_OPCODE = 2;

function sendFrame(websocket: WebSocket, chunk: Buffer, opcode: number, cb?: SendCallback): void {
  const {_isServer: isServer, _sender: sender} = websocket as unknown as WebsocketInternals;
  const small = chunk.length <= SMALL_FRAME_BYTES;
  if (isServer === undefined || !frameOf || typeof sender?.sendFrame !== 'function' || sender._state !== SENDER_READY || websocket.readyState !== WebSocket.OPEN) {
    websocket.send(chunk, {binary: opcode === BINARY_OPCODE}, cb);
    return;
  }
  const frame = frameOf(chunk, {
    fin: true,
    opcode,
    mask: !isServer,
    // A big chunk is ours: masked where it is, sent as it is after its header. A small one is
    // copied into its header's buffer (ws merges a read-only chunk when it masks it).
    readOnly: small,
    rsv1: false,
    maskBuffer: sender._maskBuffer,
    generateMask: sender._generateMask,
  });
  sender.sendFrame(small && frame.length === 2 ? [Buffer.concat(frame)] : frame, cb);
}
