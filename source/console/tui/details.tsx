/** The details view of the selected row (Enter), as label: value lines. */
import {Box, Text} from 'ink';
import {formatBytes, formatDuration, formatEndpoint, formatRate, formatTime} from '../format.js';
import type {ServerView, TunnelRow} from '../store.js';
import type {ChannelRow, PaneRow, PeerRow} from './pane-rows.js';
import {fit} from '../format.js';
import {tone, useTheme} from './theme.js';

export type DetailLine = [label: string, value: string] | [title: string];

function tunnelLines(tunnel: TunnelRow): DetailLine[] {
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

function channelLines(view: ServerView, channel: ChannelRow): DetailLine[] {
  const lines: DetailLine[] = [
    [`Channel ${channel.id}${channel.own ? " (this console's own)" : ''}`],
    ['Client version', channel.client_version],
    ['Client kind', channel.client_features.length > 0 ? `netunnel-ts (${channel.client_features.join(', ')})` : 'NETunnel 1.0.12 or compatible'],
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

function peerLines(peerRow: PeerRow): DetailLine[] {
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
    ['Entrance (here)', `${tunnel.tunnel_local_address}:${tunnel.tunnel_local_port}`],
    ['Exit (via peer)', `${tunnel.tunnel_remote_address}:${tunnel.tunnel_remote_port}`],
    ['Status', tunnel.status ?? '- (this server does not tell)'],
    ['Since', formatTime(tunnel.since)],
    ['Last error', tunnel.last_error ?? '-'],
    ['Connections', tunnel.connections ? `${tunnel.connections.active} active, ${tunnel.connections.total} in all` : '-'],
    ['Bytes', tunnel.bytes ? `${formatBytes(tunnel.bytes.sent)} sent, ${formatBytes(tunnel.bytes.received)} received` : '-'],
  ];
}

export function detailLines(view: ServerView, selected: PaneRow | undefined): DetailLine[] {
  if (!selected) return [['Nothing is selected.']];
  if (selected.pane === 'channels') return channelLines(view, selected.row);
  if (selected.pane === 'tunnels') return tunnelLines(selected.row);
  return peerLines(selected.row);
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
