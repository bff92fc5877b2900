/**
 * The rows of the Connections pane, from the connections our server's `/events` stream listed
 * (server-events.ts): one per open tunnelled connection, oldest first, with plain numbers (so
 * that any column can be a sort key). Times stay the server's: the pane ages them with the
 * server's clock offset (server-clock.ts), so that a console needs no update a second to show
 * how long a connection has been idle.
 */
import type {ConnectionState} from '../protocol/connections.js';
import type {SocketAddress} from '../protocol/socket-address.js';
import {tunnelKey, type ShortLivedTotals, type StreamedServer} from './server-events.js';

export interface ConnectionRow {
  /** `#` and the id: server-wide, never reused. */
  key: string;
  id: number;
  channelId: number;
  tunnelId: number;
  /** `channel/tunnel`, the key of its tunnel's row. */
  tunnelKey: string;
  /** The application's address at the tunnel's entrance (null: nobody said). */
  source: SocketAddress | null;
  /** Server time, ISO 8601. */
  openedAt: string;
  /** The last byte either way, server time, ISO 8601. */
  lastActivityAt: string;
  state: ConnectionState;
  /** The way that ended on a half-closed connection. */
  ended: 'sent' | 'received' | null;
  /** Bytes toward the exit, and back. */
  sent: number;
  received: number;
  /** Bytes per second each way over the server's last stats interval. */
  rateSent: number;
  rateReceived: number;
}

export function connectionRows(streamed: StreamedServer): ConnectionRow[] {
  const rows = [...streamed.connections.values()].map(
    (connection): ConnectionRow => ({
      key: `#${connection.id}`,
      id: connection.id,
      channelId: connection.channel_id,
      tunnelId: connection.tunnel_id,
      tunnelKey: tunnelKey(connection.channel_id, connection.tunnel_id),
      source: connection.source,
      openedAt: connection.opened_at,
      lastActivityAt: connection.last_activity_at,
      state: connection.state,
      ended: connection.ended,
      sent: connection.bytes.sent,
      received: connection.bytes.received,
      rateSent: connection.rate.sent,
      rateReceived: connection.rate.received,
    }),
  );
  return rows.sort((a, b) => a.id - b.id);
}

/** The short-lived totals by tunnel key, as plain data for the store. */
export function shortLivedByTunnel(streamed: StreamedServer): Record<string, ShortLivedTotals> {
  return Object.fromEntries(streamed.shortLived);
}
