/**
 * The three panes (Channels, Tunnels, Peers with their static tunnels): their rows, built
 * from a server's view, and their tables. Each row has a key that survives live updates, so
 * that the selection stays on the same thing while the data moves.
 */
import {Box, Text} from 'ink';
import type {ChannelInfo, PeerRecord, StaticTunnelRecord} from '../api.js';
import {formatBytes, formatEndpoint, formatRate, formatTime, sparkline} from '../format.js';
import type {ServerView, TunnelRow} from '../store.js';
import type {PaneName} from './keymap.js';
import {Table, type Column} from './table.js';
import {glyphs, tone, useTheme, type Theme, type Tone} from './theme.js';

export interface ChannelRow extends ChannelInfo {
  key: string;
  /** The console's own channel. */
  own: boolean;
}

export type PeerRow =
  | {key: string; kind: 'peer'; peer: PeerRecord}
  | {key: string; kind: 'static'; peer: PeerRecord; tunnel: StaticTunnelRecord; last: boolean};

export type AnyRow = ChannelRow | TunnelRow | PeerRow;

export function channelRows(view: ServerView): ChannelRow[] {
  return view.channels.map((channel) => ({...channel, key: `c${channel.id}`, own: channel.id === view.ownChannelId}));
}

export function peerRows(view: ServerView): PeerRow[] {
  const rows: PeerRow[] = [];
  for (const peer of view.peers) {
    rows.push({key: `p${peer.id}`, kind: 'peer', peer});
    const tunnels = [...peer.static_tunnels].sort((a, b) => a.id - b.id);
    tunnels.forEach((tunnel, index) => rows.push({key: `p${peer.id}/s${tunnel.id}`, kind: 'static', peer, tunnel, last: index === tunnels.length - 1}));
  }
  return rows;
}

export function rowsOf(view: ServerView, pane: PaneName): AnyRow[] {
  if (pane === 'channels') return channelRows(view);
  if (pane === 'tunnels') return view.tunnels;
  return peerRows(view);
}

/** The words a filter is matched against. */
export function rowText(row: AnyRow, pane: PaneName): string {
  if (pane === 'channels') {
    const channel = row as ChannelRow;
    return `${channel.id} ${channel.client_version} ${channel.remote_address ?? ''} ${channel.own ? 'console own' : ''}`;
  }
  if (pane === 'tunnels') {
    const tunnel = row as TunnelRow;
    return `${tunnel.channelId}/${tunnel.id} ${tunnel.direction} ${formatEndpoint(tunnel.entrance)} ${formatEndpoint(tunnel.exit)} ${tunnel.own ? 'own console' : ''}`;
  }
  const peerRow = row as PeerRow;
  if (peerRow.kind === 'peer') return `${peerRow.peer.name} ${peerRow.peer.target_netunnel_url} ${peerRow.peer.status ?? ''}`;
  const tunnel = peerRow.tunnel;
  return `${peerRow.peer.name} ${tunnel.tunnel_local_address}:${tunnel.tunnel_local_port} ${tunnel.tunnel_remote_address}:${tunnel.tunnel_remote_port} ${tunnel.status ?? ''}`;
}

/** Rows that match the filter (case-insensitive); a peer stays when one of its static tunnels matches. */
export function filterRows(rows: AnyRow[], pane: PaneName, filter: string): AnyRow[] {
  const wanted = filter.trim().toLowerCase();
  if (wanted === '') return rows;
  const matching = rows.filter((row) => rowText(row, pane).toLowerCase().includes(wanted));
  if (pane !== 'peers') return matching;
  const keep = new Set(matching.map((row) => row.key));
  for (const row of matching as PeerRow[]) if (row.kind === 'static') keep.add(`p${row.peer.id}`);
  return rows.filter((row) => keep.has(row.key));
}

export function statusTone(status: string | undefined): Tone | undefined {
  if (status === 'online') return 'ok';
  if (status === 'connecting') return 'warn';
  if (status === 'offline') return 'error';
  return 'muted';
}

function shortTime(iso: string | null): string {
  if (!iso) return '-';
  const full = formatTime(iso);
  const today = formatTime(new Date().toISOString()).slice(0, 10);
  return full.startsWith(today) ? full.slice(11) : full.slice(5, 16);
}

const CHANNEL_COLUMNS: Column<ChannelRow>[] = [
  {header: 'ID', width: 4, align: 'right', cell: (row) => String(row.id)},
  {header: 'CLIENT', width: 13, cell: (row) => `${row.client_version}${row.client_features.length > 0 ? '' : ' (py)'}`, drop: 2},
  {header: 'REMOTE ADDRESS', width: 15, flex: true, cell: (row) => row.remote_address ?? '?'},
  {header: 'STATE', width: 9, cell: (row) => (row.connected ? 'connected' : 'gone'), tone: (row) => (row.connected ? 'ok' : 'error')},
  {header: 'SINCE', width: 11, cell: (row) => shortTime(row.connected_at ?? row.created_at), drop: 1},
  {header: 'TUNNELS', width: 7, align: 'right', cell: (row) => String(row.tunnel_count)},
  {header: 'NOTE', width: 7, cell: (row) => (row.own ? 'console' : ''), tone: () => 'own', drop: 3},
];

function tunnelColumns(theme: Theme): Column<TunnelRow>[] {
  const marks = glyphs(theme);
  return [
    {header: 'ID', width: 5, cell: (row) => `${row.channelId}/${row.id}`},
    {header: 'DIR', width: 3, cell: (row) => (row.direction === 'forward' ? 'fwd' : 'rev')},
    {header: 'ENTRANCE', width: 13, flex: true, cell: (row) => formatEndpoint(row.entrance), tone: (row) => (row.own ? 'own' : undefined)},
    {header: 'EXIT', width: 13, flex: true, cell: (row) => formatEndpoint(row.exit)},
    {header: 'CONNS', width: 5, align: 'right', cell: (row) => `${row.active}/${row.total}`},
    {header: theme.ascii ? 'SENT' : `${marks.up}SENT`, width: 6, align: 'right', cell: (row) => formatBytes(row.sent)},
    {header: theme.ascii ? 'RECV' : `${marks.down_}RECV`, width: 6, align: 'right', cell: (row) => formatBytes(row.received)},
    {header: 'RATE', width: 8, align: 'right', cell: (row) => formatRate(row.rate), drop: 2},
    {header: 'TREND', width: 6, cell: (row) => sparkline(row.history, 6, theme.ascii), tone: () => 'accent', drop: 1},
  ];
}

function peerColumns(theme: Theme): Column<PeerRow>[] {
  const marks = glyphs(theme);
  return [
    {
      header: 'PEER / TUNNEL',
      width: 14,
      cell: (row) => (row.kind === 'peer' ? row.peer.name : ` ${row.last ? marks.lastBranch : marks.branch} #${row.tunnel.id}`),
    },
    {
      header: 'URL / LOCAL -> REMOTE',
      width: 20,
      flex: true,
      cell: (row) =>
        row.kind === 'peer'
          ? row.peer.target_netunnel_url
          : `${row.tunnel.tunnel_local_address}:${row.tunnel.tunnel_local_port}${marks.arrow}${row.tunnel.tunnel_remote_address}:${row.tunnel.tunnel_remote_port}`,
    },
    {
      header: 'STATUS',
      width: 10,
      cell: (row) => {
        const status = row.kind === 'peer' ? row.peer.status : row.tunnel.status;
        const error = row.kind === 'static' && row.tunnel.last_error;
        return `${status ?? '-'}${error ? '!' : ''}`;
      },
      tone: (row) => statusTone(row.kind === 'peer' ? row.peer.status : row.tunnel.status),
    },
    {header: 'CONNS', width: 5, align: 'right', cell: (row) => (row.kind === 'static' && row.tunnel.connections ? `${row.tunnel.connections.active}/${row.tunnel.connections.total}` : ''), drop: 2},
    {
      header: 'SENT/RECV',
      width: 13,
      align: 'right',
      cell: (row) => (row.kind === 'static' && row.tunnel.bytes ? `${formatBytes(row.tunnel.bytes.sent)}/${formatBytes(row.tunnel.bytes.received)}` : ''),
      drop: 1,
    },
  ];
}

export interface PaneProps {
  view: ServerView;
  rows: AnyRow[];
  selectedKey: string | undefined;
  width: number;
  height: number;
  filter: string;
}

/** What every pane's table takes from the pane: row keys, selection, size, stale data dimmed. */
function paneFrame(props: PaneProps) {
  return {
    keyOf: (row: {key: string}) => row.key,
    selectedKey: props.selectedKey,
    width: props.width,
    height: props.height,
    dim: props.view.stale,
  };
}

/** The marker of the console's own rows. */
function ownMark(theme: Theme) {
  return {mark: (row: {own: boolean}) => (row.own ? glyphs(theme).own : ' '), markTone: () => 'own' as const};
}

function emptyText(what: string, filter: string): string {
  return filter.trim() === '' ? what : `No row matches "${filter}" (Esc clears the filter)`;
}

export function ChannelsPane(props: PaneProps) {
  const theme = useTheme();
  if (props.view.mode === 'legacy') {
    const lines = [
      'This server cannot list channels: it has no management API',
      '(a NETunnel 1.0.12 server, or netunnel-server --no-extensions).',
      "The console's own tunnels are in the Tunnels pane; peers and static",
      'tunnels are polled every 2 s in the Peers pane.',
    ];
    return (
      <Box flexDirection="column" width={props.width} height={props.height} overflowY="hidden">
        {lines.slice(0, props.height).map((line, index) => (
          <Text key={index} color={tone(theme, index === 0 ? 'warn' : 'muted')} wrap="truncate-end">
            {`  ${line}`}
          </Text>
        ))}
      </Box>
    );
  }
  return (
    <Table<ChannelRow>
      columns={CHANNEL_COLUMNS}
      rows={props.rows as ChannelRow[]}
      {...paneFrame(props)}
      {...ownMark(theme)}
      empty={emptyText(props.view.mode === 'unknown' ? 'Waiting for the server...' : 'No channel: no client is connected.', props.filter)}
    />
  );
}

export function TunnelsPane(props: PaneProps) {
  const theme = useTheme();
  const legacy = props.view.mode === 'legacy';
  return (
    <Table<TunnelRow>
      columns={tunnelColumns(theme)}
      rows={props.rows as TunnelRow[]}
      {...paneFrame(props)}
      {...ownMark(theme)}
      empty={emptyText(
        legacy ? "No tunnel of this console (this server cannot list others'). n opens one." : 'No tunnel. n opens one, run by this console.',
        props.filter,
      )}
    />
  );
}

export function PeersPane(props: PaneProps) {
  const theme = useTheme();
  return (
    <Table<PeerRow>
      columns={peerColumns(theme)}
      rows={props.rows as PeerRow[]}
      {...paneFrame(props)}
      empty={emptyText(props.view.peersError ? `Cannot list peers: ${props.view.peersError}` : 'No peer. p adds one (a remote NETunnel server).', props.filter)}
    />
  );
}

export function Pane(props: PaneProps & {pane: PaneName}) {
  if (props.pane === 'channels') return <ChannelsPane {...props} />;
  if (props.pane === 'tunnels') return <TunnelsPane {...props} />;
  return <PeersPane {...props} />;
}
