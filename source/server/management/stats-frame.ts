/**
 * The `stats` frame of `/events`: what moved since the previous one. Each item (a tunnel, a
 * static tunnel, a channel's heartbeat, a connection) is compared with what the previous frame
 * said of it, and only the ones that changed are sent: a quiet server sends no stats at all.
 * Connections are sent once known to subscribers (not while their connection.opened frame is
 * due), up to a limit, those that moved the most bytes first; the others are counted
 * (`connections_omitted`) and compared again at the next frame.
 */
import type {ChannelStats, ConnectionStats} from '../../protocol/connections.js';
import type {ServerEvent, StaticTunnelStats, TunnelStats} from '../../protocol/server-events.js';
import type {ChannelRegistry} from '../channels/channel-registry.js';
import type {ServerChannel} from '../channels/server-channel.js';
import type {ServerTunnel} from '../channels/server-tunnel.js';
import type {PeerSource} from '../peers/peer-source.js';
import type {ConnectionRegistry, TrackedConnection} from './connection-registry.js';
import {connectionStats} from './connection-views.js';
import {heartbeat, tunnelStats} from './management-views.js';

type StatsFrame = Extract<ServerEvent, {type: 'stats'}>;

/**
 * A tunnel's stats as compared with the previous frame's: its connect history by the second
 * each median belongs to, so that a history that only slid by a second (no new connection)
 * is not a change. Otherwise every tunnel that connected in the last 30 s would be sent every
 * second, counters unchanged: tens of kB a second for a console to read on an idle server.
 */
function comparedTunnel(stats: TunnelStats, now: number): unknown {
  const history = stats.connect_ms?.history;
  if (!history) return stats;
  const firstSecond = Math.floor(now / 1000) - history.length;
  const samples = history.flatMap((median, index) => (median === null ? [] : [[firstSecond + index, median]]));
  return {...stats, connect_ms: {...stats.connect_ms, history: samples}};
}

export class StatsFrames {
  /** What the previous frames said, by item key, to send only what moved. */
  private readonly sent = new Map<string, string>();
  /** Bytes (both ways) of each connection when it was last sent, to list the busiest first. */
  private readonly sentBytes = new Map<number, number>();

  constructor(
    private readonly channels: ChannelRegistry,
    private readonly peers: PeerSource | undefined,
    private readonly connections: ConnectionRegistry,
    private readonly maxListed: number,
    /** Connections a subscriber knows of (listed in a snapshot or connection.opened): only those have counters sent. */
    private readonly isKnown: (tracked: TrackedConnection) => boolean = () => true,
  ) {}

  /** The frame of what moved, or undefined when nothing did. */
  next(now = Date.now()): StatsFrame | undefined {
    const seen = new Set<string>();
    const tunnels: TunnelStats[] = [];
    const channels: ChannelStats[] = [];
    for (const channel of this.channels.all()) {
      const stats = {id: channel.id, heartbeat: heartbeat(channel)};
      if (this.moved(`c/${channel.id}`, stats, seen)) channels.push(stats);
      for (const tunnel of channel.tunnels.values()) {
        const stats = tunnelStats(channel.id, tunnel);
        if (this.moved(`t/${channel.id}/${tunnel.id}`, stats, seen, comparedTunnel(stats, now))) tunnels.push(stats);
      }
    }
    const staticTunnels = this.staticTunnels(seen);
    const moving = this.movingConnections(seen);
    for (const key of this.sent.keys()) if (!seen.has(key)) this.sent.delete(key);
    if (tunnels.length === 0 && staticTunnels.length === 0 && channels.length === 0 && moving.length === 0) return undefined;
    // The busiest first; those past the limit stay unsent, so they count as moved next time.
    const listed = moving.sort((a, b) => b.moved - a.moved).slice(0, this.maxListed);
    for (const {key, value, stats} of listed) {
      this.sent.set(key, value);
      this.sentBytes.set(stats.id, stats.bytes.sent + stats.bytes.received);
    }
    return {
      type: 'stats',
      at: new Date(now).toISOString(),
      tunnels,
      static_tunnels: staticTunnels,
      channels,
      connections: listed.map(({stats}) => stats),
      connections_omitted: moving.length - listed.length,
    };
  }

  /** The last counters of a tunnel that is going, if they moved since the last frame. */
  final(channel: ServerChannel, tunnel: ServerTunnel): StatsFrame | undefined {
    const stats = tunnelStats(channel.id, tunnel);
    if (!this.moved(`t/${channel.id}/${tunnel.id}`, stats, new Set(), comparedTunnel(stats, Date.now()))) return undefined;
    return {type: 'stats', at: new Date().toISOString(), tunnels: [stats], static_tunnels: [], channels: [], connections: [], connections_omitted: 0};
  }

  private staticTunnels(seen: Set<string>): StaticTunnelStats[] {
    const moved: StaticTunnelStats[] = [];
    for (const peer of this.peers?.list() ?? []) {
      for (const staticTunnel of peer.static_tunnels) {
        const stats = {
          peer_id: peer.id,
          id: staticTunnel.id,
          connections: staticTunnel.connections ?? {active: 0, total: 0},
          bytes: staticTunnel.bytes ?? {sent: 0, received: 0},
        };
        if (this.moved(`s/${peer.id}/${staticTunnel.id}`, stats, seen)) moved.push(stats);
      }
    }
    return moved;
  }

  /** Connections whose counters, state or rates changed since they were last sent (not recorded as sent yet). */
  private movingConnections(seen: Set<string>): Array<{key: string; value: string; moved: number; stats: ConnectionStats}> {
    const moving = [];
    const open = this.connections.list();
    for (const tracked of open) {
      if (!this.isKnown(tracked)) continue;
      const key = `x/${tracked.id}`;
      seen.add(key);
      const stats = connectionStats(tracked);
      const value = JSON.stringify(stats);
      if (this.sent.get(key) === value) continue;
      const moved = stats.bytes.sent + stats.bytes.received - (this.sentBytes.get(tracked.id) ?? 0);
      moving.push({key, value, moved, stats});
    }
    if (this.sentBytes.size > open.length) {
      const ids = new Set(open.map((tracked) => tracked.id));
      for (const id of this.sentBytes.keys()) if (!ids.has(id)) this.sentBytes.delete(id);
    }
    return moving;
  }

  /** `compared`: what stands for the stats in the comparison (default: all of them). */
  private moved(key: string, stats: object, seen: Set<string>, compared: unknown = stats): boolean {
    seen.add(key);
    const value = JSON.stringify(compared);
    if (this.sent.get(key) === value) return false;
    this.sent.set(key, value);
    return true;
  }
}
