/** The details view of the selected row (Enter), as label: value lines. */
import {Box, Text} from 'ink';
import {formatBytes, formatDuration, formatEndpoint, formatRate, formatRtt, formatTime} from '../format.js';
import type {ServerView, TunnelRow} from '../store.js';
import type {ChannelRow, PaneRow, PeerRow} from './pane-rows.js';
import {connectionLines, eventLines, tunnelActivityLines} from './activity-details.js';
import {fit} from '../format.js';
import {serverNow} from '../server-clock.js';
import {tone, useTheme} from './theme.js';

export type DetailLine = [label: string, value: string] | [title: string];

function tunnelLines(view: ServerView, tunnel: TunnelRow, ascii: boolean, now: number): DetailLine[] {
  return [...tunnelBasics(tunnel), ...tunnelActivityLines(view, tunnel, ascii, now)];
}

function tunnelBasics(tunnel: TunnelRow): DetailLine[] {
  return [
    [`Tunnel ${tunnel.channelId}/${tunnel.id}${tunnel.own ? " (this console's own)" : ''}`],
    ['Direction', tunnel.direction === 'forward' ? 'forward: entrance on the client, exit reached by the server' : 'reverse: entrance on the server, exit reached by the client'],
    ['Entrance', formatEndpoint(tunnel.entrance)],
    ['Exit', formatEndpoint(tunnel.exit)],
    ['Connections', `${tunnel.active} active, ${tunnel.total} in all`],
    ['Sent', `${formatBytes(tunnel.sent)} (${tunnel.sent} bytes, entrance to exit)`],
    ['Received', `${formatBytes(tunnel.received)} (${tunnel.received} bytes, back)`],
    ['Rate', `${formatRate(tunnel.rate)} (sent and received together)`],
    ['Durations', tunnel.durations ? `p50 ${formatDuration(tunnel.durations.p50)}, p90 ${formatDuration(tunnel.durations.p90)}` : '-'],
    ['Created', formatTime(tunnel.createdAt)],
  ];
}

/** Age of an instant, `3 s ago`; the caller's clock. */
function ago(at: number, now: number): string {
  return `${formatDuration(Math.max(0, now - at))} ago`;
}

function heartbeatText(channel: ChannelRow, now: number): string {
  const heartbeat = channel.heartbeat;
  if (!heartbeat || heartbeat.rtt_ms === null) return channel.rtts.length > 0 ? `${channel.rtts.map(formatRtt).join(' ')}` : '- (no pong yet, or not reported by this server)';
  const pong = heartbeat.last_pong_at === null ? 'no pong yet' : `last pong ${formatTime(heartbeat.last_pong_at)} (${ago(Date.parse(heartbeat.last_pong_at), now)})`;
  const history = channel.rtts.length > 1 ? `; last ${channel.rtts.map(formatRtt).join(' ')}` : '';
  return `${formatRtt(heartbeat.rtt_ms)}, ${pong}${history}`;
}

/** The server itself (i): where it is, what it is, and how the link to it has been doing. */
export function serverLines(view: ServerView, origin: 'argument' | 'saved' | 'embedded' | undefined, now = Date.now()): DetailLine[] {
  const {health} = view;
  const lines: DetailLine[] = [
    [`Server ${view.name}`],
    ['URL', origin === 'embedded' ? `${view.url} (the embedded server, run by this console)` : view.url],
    ['Status', view.problem ? `${view.status}: ${view.problem}` : view.status],
    ['Version', view.version ?? '-'],
    ['Kind', view.mode === 'management' ? 'netunnel-ts, with the management API' : view.mode === 'legacy' ? 'NETunnel 1.0.12 or without the management API' : '-'],
    ['Round trip', health.rttHistory.length === 0 ? '-' : `${formatRtt(health.rttHistory.at(-1)!)} (GET /version); last ${health.rttHistory.map(formatRtt).join(' ')}`],
    ['Last answer', health.lastAnswerAt === null ? 'never' : `${formatTime(new Date(health.lastAnswerAt).toISOString())} (${ago(health.lastAnswerAt, now)})`],
    ['Reconnects', String(health.reconnects)],
    ['Last loss', health.lastLoss === null ? '-' : `${formatTime(new Date(health.lastLoss.at).toISOString())}: ${health.lastLoss.reason}`],
  ];
  if (view.detail && view.status !== 'connected') lines.push(['Why', view.detail]);
  return lines;
}

function channelLines(view: ServerView, channel: ChannelRow, now: number): DetailLine[] {
  const lines: DetailLine[] = [
    [`Channel ${channel.id}${channel.own ? " (this console's own)" : ''}`],
    ['Client', channel.client_features.length > 0 ? `netunnel-ts (${channel.client_features.join(', ')})` : 'NETunnel 1.0.12 or compatible'],
    ['Protocol version', channel.client_version],
    // The pong's time is the server's.
    ['Heartbeat', heartbeatText(channel, serverNow(view.clockOffsetMs, now))],
    ['Remote address', channel.remote_address ?? '?'],
    ['State', channel.connected ? 'connected' : 'control websocket closed'],
    ['Created', formatTime(channel.created_at)],
    ['Connected', formatTime(channel.connected_at)],
    ['Last seen', formatTime(channel.last_seen)],
    ['Tunnels', String(channel.tunnel_count)],
  ];
  for (const tunnel of view.tunnels.filter((candidate) => candidate.channelId === channel.id)) {
    lines.push([`  ${tunnel.id} ${tunnel.direction}`, `${formatEndpoint(tunnel.entrance)} -> ${formatEndpoint(tunnel.exit)}, ${tunnel.active}/${tunnel.total} conns`]);
  }
  return lines;
}

function peerLines(view: ServerView, peerRow: PeerRow): DetailLine[] {
  const peer = peerRow.peer;
  if (peerRow.kind === 'peer') {
    return [
      [`Peer ${peer.id}: ${peer.name}`],
      ['URL', peer.target_netunnel_url],
      ['Auth data', Object.keys(peer.auth_data).length === 0 ? '{} (no auth)' : `keys: ${Object.keys(peer.auth_data).join(', ')}`],
      ['Status', peer.status ?? '- (this server does not tell)'],
      ['Static tunnels', String(peer.static_tunnels.length)],
    ];
  }
  const tunnel = peerRow.tunnel;
  return [
    [`Static tunnel ${tunnel.id} of peer ${peer.name}`],
    // The server listens (not this console): its port, reached through the peer.
    ['Entrance', `${tunnel.tunnel_local_address}:${tunnel.tunnel_local_port} (on the server ${view.name})`],
    ['Exit', `${tunnel.tunnel_remote_address}:${tunnel.tunnel_remote_port} (reached by the peer ${peer.name})`],
    ['Status', tunnel.status ?? '- (this server does not tell)'],
    ['Since', formatTime(tunnel.since)],
    ['Last error', tunnel.last_error ?? '-'],
    ['Connections', tunnel.connections ? `${tunnel.connections.active} active, ${tunnel.connections.total} in all` : '-'],
    ['Bytes', tunnel.bytes ? `${formatBytes(tunnel.bytes.sent)} sent, ${formatBytes(tunnel.bytes.received)} received` : '-'],
  ];
}

export function detailLines(view: ServerView, selected: PaneRow | undefined, options: {ascii?: boolean; now?: number} = {}): DetailLine[] {
  if (!selected) return [['Nothing is selected.']];
  const now = options.now ?? Date.now();
  if (selected.pane === 'channels') return channelLines(view, selected.row, now);
  if (selected.pane === 'tunnels') return tunnelLines(view, selected.row, options.ascii ?? false, now);
  if (selected.pane === 'connections') return connectionLines(view, selected.row, now);
  if (selected.pane === 'events') return eventLines(selected.row);
  return peerLines(view, selected.row);
}

export function Details({lines, height}: {lines: DetailLine[]; height: number}) {
  const theme = useTheme();
  const labelWidth = Math.min(16, Math.max(...lines.map((line) => (line.length === 2 ? line[0].length : 0))) + 1);
  const shown = lines.length <= height ? lines : lines.slice(0, Math.max(0, height - 1));
  return (
    <Box flexDirection="column" height={height}>
      {shown.map((line, index) =>
        line.length === 1 ? (
          <Text key={index} bold color={tone(theme, 'accent')} wrap="truncate-end">
            {line[0]}
          </Text>
        ) : (
          <Text key={index} wrap="truncate-end">
            <Text color={tone(theme, 'muted')}>{fit(`  ${line[0]}`, labelWidth + 2, 'left', theme.ascii)}</Text>
            {line[1]}
          </Text>
        ),
      )}
      {shown.length < lines.length ? (
        <Text color={tone(theme, 'muted')} wrap="truncate-end">
          {`  (${lines.length - shown.length} more lines: a taller terminal shows them)`}
        </Text>
      ) : null}
    </Box>
  );
}
