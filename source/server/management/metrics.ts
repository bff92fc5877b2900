/** `GET /metrics`: the server's state in the Prometheus text format (version 0.0.4). */
import type {PeerInfo} from '../../protocol/server-objects.js';
import type {ServerChannel} from '../channels/server-channel.js';

type Labels = Record<string, string | number>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabel(String(value))}"`).join(',')}}`;
}

class MetricsText {
  private readonly lines: string[] = [];

  family(name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Labels, number]>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.lines.push(`${name}${formatLabels(labels)} ${value}`);
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/**
 * `refusals`: how often each of the server's limits refused something (limit name, count),
 * every limit listed, zeros included.
 */
export function renderMetrics(channels: ServerChannel[], peers: PeerInfo[], refusals: ReadonlyArray<readonly [string, number]> = []): string {
  const text = new MetricsText();
  const tunnels = channels.flatMap((channel) => [...channel.tunnels.values()].map((tunnel) => ({channel, tunnel})));
  const tunnelLabels = ({channel, tunnel}: (typeof tunnels)[number]): Labels => ({
    channel: channel.id,
    tunnel: tunnel.id,
    direction: tunnel.direction,
  });
  text.family('netunnel_channels', 'gauge', 'Channels whose control websocket is connected.', [
    [{}, channels.filter((channel) => channel.connected).length],
  ]);
  text.family(
    'netunnel_tunnels',
    'gauge',
    'Open tunnels by direction.',
    (['forward', 'reverse'] as const).map((direction) => [{direction}, tunnels.filter(({tunnel}) => tunnel.direction === direction).length]),
  );
  text.family(
    'netunnel_tunnel_connections_active',
    'gauge',
    'Connections currently carried by a tunnel.',
    tunnels.map((entry) => [tunnelLabels(entry), entry.tunnel.traffic.activeConnections]),
  );
  text.family(
    'netunnel_tunnel_connections_total',
    'counter',
    'Connections carried by a tunnel since it was created.',
    tunnels.map((entry) => [tunnelLabels(entry), entry.tunnel.traffic.totalConnections]),
  );
  text.family(
    'netunnel_tunnel_bytes_total',
    'counter',
    'Bytes carried by a tunnel, toward its exit (sent) or back toward its entrance (received).',
    tunnels.flatMap((entry): Array<[Labels, number]> => [
      [{...tunnelLabels(entry), way: 'sent'}, entry.tunnel.traffic.bytesToExit],
      [{...tunnelLabels(entry), way: 'received'}, entry.tunnel.traffic.bytesToEntrance],
    ]),
  );
  const staticTunnels = peers.flatMap((peer) => peer.static_tunnels.map((staticTunnel) => ({peer, staticTunnel})));
  const staticLabels = ({peer, staticTunnel}: (typeof staticTunnels)[number]): Labels => ({
    peer: peer.name,
    static_tunnel: staticTunnel.id,
  });
  text.family(
    'netunnel_static_tunnel_up',
    'gauge',
    'Whether a static tunnel to a peer is online (1) or not (0).',
    staticTunnels.map((entry) => [staticLabels(entry), entry.staticTunnel.status === 'online' ? 1 : 0]),
  );
  text.family(
    'netunnel_static_tunnel_connections_total',
    'counter',
    'Connections carried by a static tunnel.',
    staticTunnels.map((entry) => [staticLabels(entry), entry.staticTunnel.connections?.total ?? 0]),
  );
  text.family(
    'netunnel_static_tunnel_bytes_total',
    'counter',
    'Bytes carried by a static tunnel, toward the peer (sent) or back (received).',
    staticTunnels.flatMap((entry): Array<[Labels, number]> => [
      [{...staticLabels(entry), way: 'sent'}, entry.staticTunnel.bytes?.sent ?? 0],
      [{...staticLabels(entry), way: 'received'}, entry.staticTunnel.bytes?.received ?? 0],
    ]),
  );
  text.family(
    'netunnel_limit_refusals_total',
    'counter',
    'Requests, websockets, frames and connections refused by a limit of the server (the config key under `limits`).',
    refusals.map(([limit, count]) => [{limit}, count]),
  );
  return text.toString();
}
