/**
 * ws ends a websocket's receiver and its socket again after the closing handshake has ended
 * them (its socket 'end' and 'close' handlers call end() once more). On a finished stream
 * Node's Writable.end() then makes an ERR_STREAM_ALREADY_FINISHED error, stack trace and all,
 * that nobody is given: three per websocket closed, some 50 µs of CPU per connection of the
 * classic wire on each side. A repeated end() without arguments does nothing else, so it is
 * answered here without making the error; end() with a chunk or a callback goes through as
 * always.
 */
import {Writable, type Duplex} from 'node:stream';
import * as ws from 'ws';

// ws's named export (its types do not declare it), a Writable (ws 8: lib/receiver.js).
const receiverClass = (ws as unknown as {Receiver?: {prototype: Writable}}).Receiver;

function skipsRepeatedEnd(original: (...args: never[]) => unknown) {
  return function end(this: Writable, ...args: never[]): unknown {
    if (args.length === 0 && this.writableFinished) return this;
    return Reflect.apply(original, this, args);
  };
}

let receiverPatched = false;

/** For the socket under a websocket (and, once for all, ws's receivers). */
export function skipRepeatedEnds(socket: Duplex): void {
  if (!receiverPatched && receiverClass) {
    receiverPatched = true;
    // Every ws Receiver of the process: the change is only that the unseen error is not made.
    receiverClass.prototype.end = skipsRepeatedEnd(Writable.prototype.end as (...args: never[]) => unknown) as Writable['end'];
  }
  socket.end = skipsRepeatedEnd(socket.end) as typeof socket.end;
}
