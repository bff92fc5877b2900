/**
 * Sends a chunk read from a socket as one binary frame, without the copy ws makes of it.
 *
 * A client masks its frames (RFC 6455 section 5.3). ws takes every Buffer it is given as
 * read-only, so for each frame it allocates a new buffer and masks the data into it: on bulk
 * data that copy, and the fresh memory it touches, were a quarter of the client's CPU. A chunk a
 * socket delivered belongs to its reader alone, so here it is masked in place, with ws's own
 * framing (Sender.frame, a random mask as always) and ws's own writer, in the order of every
 * other frame of the websocket. Where ws is not as expected (another version, a sender busy with
 * compression, a server's websocket that masks nothing) websocket.send() does the work.
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
const BINARY = {binary: true} as const;

export function sendChunk(websocket: WebSocket, chunk: Buffer, cb?: SendCallback): void {
  const {_isServer: isServer, _sender: sender} = websocket as unknown as WebsocketInternals;
  if (isServer !== false || !frameOf || typeof sender?.sendFrame !== 'function' || sender._state !== SENDER_READY || websocket.readyState !== WebSocket.OPEN) {
    websocket.send(chunk, BINARY, cb);
    return;
  }
  const frame = frameOf(chunk, {
    fin: true,
    opcode: 2,
    mask: true,
    // The chunk is ours: masked where it is, sent as it is after its header.
    readOnly: false,
    rsv1: false,
    maskBuffer: sender._maskBuffer,
    generateMask: sender._generateMask,
  });
  sender.sendFrame(frame, cb);
}
