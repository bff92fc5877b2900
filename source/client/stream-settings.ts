/**
 * What our client does with the stream extension on its channel (docs/stream-extension.md):
 * nothing unless both sides announced `stream`. Then each forward tunnel's entrance takes its
 * websockets from a pool kept within the server's limit of websockets per tunnel that carry no
 * connection (the `idle_websockets_per_tunnel` of the `POST /channels` answer), and each reverse
 * tunnel's exit accepts the extension's start frames.
 */
import {sizedWithin, type PoolSizing} from '../engine/pool-sizing.js';
import type {WebsocketPoolOptions} from '../engine/websocket-pool.js';
import {DEFAULT_IDLE_WEBSOCKETS_PER_TUNNEL} from '../protocol/stream-frames.js';

export class StreamSettings {
  private constructor(
    /** The pool of each forward tunnel's entrance. */
    readonly forwardPool: WebsocketPoolOptions,
    /** How many unused websockets per tunnel the server allows. */
    readonly idleLimit: number,
  ) {}

  /**
   * From the server's announced limit (`idleLimit`, the answer's key as sent) and this client's
   * own sizing; undefined when the extension is not negotiated: the channel speaks the classic wire.
   */
  static fromAnswer(idleLimit: unknown, negotiated: boolean, sizing: PoolSizing = {}): StreamSettings | undefined {
    if (!negotiated) return undefined;
    const limit = typeof idleLimit === 'number' && Number.isSafeInteger(idleLimit) && idleLimit >= 1 ? idleLimit : DEFAULT_IDLE_WEBSOCKETS_PER_TUNNEL;
    return new StreamSettings(sizedWithin(limit, sizing), limit);
  }
}
