/**
 * The stream extension on one channel of our server (docs/stream-extension.md sections 5, 6),
 * when both sides announced it. The server holds at most `limit` websockets per tunnel that
 * carry no connection (the `waiting_websockets_per_tunnel` limit; forward: waiting for a start
 * frame; reverse: ready in its pool):
 * - a reverse tunnel's pool is the server's own: it keeps within the limit;
 * - a forward tunnel's pool is the client's: the client is told half of the limit
 *   (`idle_websockets_per_tunnel`), because a websocket it just took still counts here until
 *   its start frame arrives, a round trip later, while its replacement may already be open.
 */
import {sizedWithin, type PoolSizing} from '../../engine/pool-sizing.js';
import type {WebsocketPoolOptions} from '../../engine/websocket-pool.js';

export interface ChannelStreams {
  /** How the channel's reverse tunnels pool their ready websockets. */
  reversePool: WebsocketPoolOptions;
  /** What the client is told it may hold per forward tunnel. */
  clientIdleLimit: number;
}

export function channelStreams(limit: number, sizing: PoolSizing = {}): ChannelStreams {
  return {reversePool: sizedWithin(limit, sizing), clientIdleLimit: Math.max(1, Math.floor(limit / 2))};
}
