/**
 * The rows of the Tunnels pane, from what the console knows: our server's tunnels (from its
 * events), or, on a server that cannot list them (1.0.12), the console's own from its engine;
 * and the console's own lost with their channel, waiting to be reopened (never shown as live:
 * what the server last said of them is replaced by a `reopening` row).
 */
import type {ClientTunnel} from '../client/client-tunnel.js';
import type {TunnelInfo} from '../protocol/management.js';
import type {ReopeningTunnel} from './server-handle.js';
import {tunnelKey, type StreamedTunnel} from './server-events.js';
import type {ServerMode, TunnelRow} from './store.js';

/** The console's own channel on a server, its open tunnels, and those it is reopening. */
export interface OwnTunnels {
  channelId: number | undefined;
  tunnels: readonly ClientTunnel[];
  reopening: readonly ReopeningTunnel[];
}

/** The tunnels to show: the server's (ours), or the console's own (a server without events). */
export function visibleTunnels(mode: ServerMode | undefined, serverTunnels: Iterable<StreamedTunnel>, own: OwnTunnels): StreamedTunnel[] {
  const ownById = new Map(own.tunnels.map((tunnel) => [tunnel.id, tunnel]));
  if (mode === 'management') {
    const lost = new Set(own.reopening.map((tunnel) => tunnelKey(tunnel.channelId, tunnel.tunnelId)));
    return [...serverTunnels].filter((tunnel) => !lost.has(tunnelKey(tunnel.channel_id, tunnel.id))).map((tunnel) => {
      const local = tunnel.channel_id === own.channelId ? ownById.get(tunnel.id) : undefined;
      // The server may not know the entrance of a forward tunnel: the console does.
      return local ? {...tunnel, entrance: tunnel.entrance ?? local.entrance, exit: tunnel.exit ?? local.exit} : tunnel;
    });
  }
  if (own.channelId === undefined) return [];
  const channelId = own.channelId;
  return [...ownById.values()].map((tunnel) => ({
    channel_id: channelId,
    id: tunnel.id,
    direction: tunnel.direction,
    entrance: tunnel.entrance,
    exit: tunnel.exit,
    connections: {active: tunnel.traffic.activeConnections, total: tunnel.traffic.totalConnections},
    bytes: {sent: tunnel.traffic.bytesToExit, received: tunnel.traffic.bytesToEntrance},
    durations_ms: {p50: null, p90: null},
    created_at: tunnel.createdAt.toISOString(),
  }));
}

/** Each tunnel's key and bytes both ways, what the rate sampler counts. */
export function countedTunnels(tunnels: readonly TunnelInfo[]): Array<{key: string; bytes: number}> {
  return tunnels.map((tunnel) => ({key: tunnelKey(tunnel.channel_id, tunnel.id), bytes: tunnel.bytes.sent + tunnel.bytes.received}));
}

/** The pane's rows, by channel then tunnel; `history` gives a tunnel's last rates. */
export function tunnelRows(tunnels: readonly StreamedTunnel[], own: OwnTunnels, history: (key: string) => number[]): TunnelRow[] {
  const ownIds = new Set(own.tunnels.map((tunnel) => tunnel.id));
  const rows = tunnels.map((tunnel): TunnelRow => {
    const key = tunnelKey(tunnel.channel_id, tunnel.id);
    const rates = history(key);
    return {
      key,
      channelId: tunnel.channel_id,
      id: tunnel.id,
      direction: tunnel.direction,
      entrance: tunnel.entrance,
      exit: tunnel.exit,
      active: tunnel.connections.active,
      total: tunnel.connections.total,
      sent: tunnel.bytes.sent,
      received: tunnel.bytes.received,
      rate: rates.at(-1) ?? 0,
      history: rates,
      own: own.channelId !== undefined && tunnel.channel_id === own.channelId && ownIds.has(tunnel.id),
      reopening: false,
      createdAt: tunnel.created_at,
      durations: tunnel.durations_ms.p50 === null && tunnel.durations_ms.p90 === null ? null : tunnel.durations_ms,
      draining: tunnel.state === 'draining',
      connect: tunnel.connect_ms ?? null,
      connectAsOf: tunnel.connectAsOf ?? null,
    };
  });
  const waiting = own.reopening.map((tunnel): TunnelRow => ({
    key: tunnel.key,
    channelId: tunnel.channelId,
    id: tunnel.tunnelId,
    direction: tunnel.direction,
    entrance: tunnel.entrance,
    exit: tunnel.exit,
    active: 0,
    total: 0,
    sent: 0,
    received: 0,
    rate: 0,
    history: [],
    own: true,
    reopening: true,
    createdAt: tunnel.createdAt,
    durations: null,
    draining: false,
    connect: null,
    connectAsOf: null,
  }));
  return [...rows, ...waiting].sort((a, b) => a.channelId - b.channelId || a.id - b.id);
}
