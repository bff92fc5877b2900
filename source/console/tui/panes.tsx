/**
 * The panes (Channels, Tunnels, Peers with their static tunnels; Connections and Events in
 * their own modules) as tables of the rows pane-rows.ts builds.
 */
import {Box, Text} from 'ink';
import {formatBytes, formatEndpoint, formatRate, formatRtt, formatTime, rttSparkline, sparkline} from '../format.js';
import type {TunnelRow} from '../store.js';
import {ConnectionsPane} from './connections-pane.js';
import {EventsPane} from './events-pane.js';
import type {ChannelRow, PaneRows, PeerRow} from './pane-rows.js';
import {emptyText, ownMark, paneFrame, type PaneProps} from './pane-frame.js';
import {Table, type Column} from './table.js';
import {glyphs, tone, useTheme, type Theme, type Tone} from './theme.js';

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

/** Who the client is: ours announces features (its version is the protocol's, 1.0.12, for compatibility). */
export function clientKind(row: ChannelRow): string {
  return row.client_features.length > 0 ? 'netunnel-ts' : `${row.client_version} (py)`;
}

/** The last heartbeat round trip and its trend: `2.1ms ▁▂▃▅`. */
function heartbeatCell(row: ChannelRow, ascii: boolean): string {
  const last = row.rtts.at(-1) ?? row.heartbeat?.rtt_ms ?? null;
  if (last === null || last === undefined) return '-';
  return `${formatRtt(last)} ${rttSparkline(row.rtts, 4, ascii)}`.trimEnd();
}

export const channelColumns = (theme: Theme): Column<ChannelRow>[] => [
  {header: 'ID', width: 4, align: 'right', cell: (row) => String(row.id), sortKey: (row) => row.id},
  {header: 'CLIENT', width: 11, cell: clientKind, drop: 2},
  {header: 'REMOTE ADDRESS', width: 15, flex: true, cell: (row) => row.remote_address ?? '?'},
  {header: 'STATE', width: 9, cell: (row) => (row.connected ? 'connected' : 'gone'), tone: (row) => (row.connected ? 'ok' : 'error')},
  {header: 'SINCE', width: 11, cell: (row) => shortTime(row.connected_at ?? row.created_at), drop: 1},
  {header: 'TUNNELS', width: 7, align: 'right', cell: (row) => String(row.tunnel_count), sortKey: (row) => row.tunnel_count},
  {header: 'HEARTBEAT', width: 9, cell: (row) => heartbeatCell(row, theme.ascii), sortKey: (row) => row.rtts.at(-1) ?? -1, tone: () => 'accent', drop: 4},
  {header: 'NOTE', width: 7, cell: (row) => (row.own ? 'console' : ''), tone: () => 'own', drop: 3},
];

/** A tunnel's state, as a column shown only while a tunnel drains (the Tunnels pane stays as it was otherwise). */
const TUNNEL_STATE_COLUMN: Column<TunnelRow> = {header: 'STATE', width: 8, cell: (row) => (row.draining ? 'draining' : 'open'), tone: (row) => (row.draining ? 'warn' : undefined)};

/** The Tunnels pane's columns for these rows (sorting goes by the same ones). */
export function tunnelColumns(theme: Theme, rows: readonly TunnelRow[]): Column<TunnelRow>[] {
  const columns = baseTunnelColumns(theme);
  return rows.some((row) => row.draining) ? [...columns.slice(0, 4), TUNNEL_STATE_COLUMN, ...columns.slice(4)] : columns;
}

function baseTunnelColumns(theme: Theme): Column<TunnelRow>[] {
  const marks = glyphs(theme);
  return [
    {header: 'ID', width: 5, cell: (row) => `${row.channelId}/${row.id}`},
    {header: 'DIR', width: 3, cell: (row) => (row.direction === 'forward' ? 'fwd' : 'rev')},
    {header: 'ENTRANCE', width: 13, flex: true, cell: (row) => formatEndpoint(row.entrance), tone: (row) => (row.own ? 'own' : undefined)},
    {header: 'EXIT', width: 13, flex: true, cell: (row) => formatEndpoint(row.exit)},
    {
      header: 'CONNS',
      width: 5,
      align: 'right',
      // A tunnel lost with its server has no connections: it waits to be opened again.
      cell: (row) => (row.reopening ? 'reopening' : `${row.active}/${row.total}`),
      tone: (row) => (row.reopening ? 'warn' : undefined),
      sortKey: (row) => row.total,
    },
    {header: theme.ascii ? 'SENT' : `${marks.up}SENT`, width: 6, align: 'right', cell: (row) => formatBytes(row.sent)},
    {header: theme.ascii ? 'RECV' : `${marks.down_}RECV`, width: 6, align: 'right', cell: (row) => formatBytes(row.received)},
    // Both directions together: the header says so.
    {header: theme.ascii ? 'UP+DN/s' : `${marks.up}${marks.down_}RATE`, width: 8, align: 'right', cell: (row) => formatRate(row.rate), sortKey: (row) => row.rate, drop: 2},
    {header: 'TREND', width: 6, cell: (row) => sparkline(row.history, 6, theme.ascii), tone: () => 'accent', drop: 1},
  ];
}

export function peerColumns(theme: Theme): Column<PeerRow>[] {
  const marks = glyphs(theme);
  return [
    {
      header: 'PEER / TUNNEL',
      width: 14,
      cell: (row) => (row.kind === 'peer' ? row.peer.name : ` ${row.last ? marks.lastBranch : marks.branch} #${row.tunnel.id}`),
      // Not by the tree's marks: peers by name, their static tunnels by id.
      sortKey: (row) => (row.kind === 'peer' ? row.peer.name : row.tunnel.id),
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

export type {PaneProps} from './pane-frame.js';

export function ChannelsPane(props: PaneProps<ChannelRow>) {
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
      columns={channelColumns(theme)}
      rows={props.rows}
      {...paneFrame(props)}
      {...ownMark(theme)}
      empty={emptyText(props.view.mode === 'unknown' ? 'Waiting for the server...' : 'No channel: no client is connected.', props.filter)}
    />
  );
}

export function TunnelsPane(props: PaneProps<TunnelRow>) {
  const theme = useTheme();
  const legacy = props.view.mode === 'legacy';
  return (
    <Table<TunnelRow>
      columns={tunnelColumns(theme, props.rows)}
      rows={props.rows}
      {...paneFrame(props)}
      {...ownMark(theme)}
      empty={emptyText(
        legacy ? "No tunnel of this console (this server cannot list others'). n opens one." : 'No tunnel. n opens one, run by this console.',
        props.filter,
      )}
    />
  );
}

export function PeersPane(props: PaneProps<PeerRow>) {
  const theme = useTheme();
  return (
    <Table<PeerRow>
      columns={peerColumns(theme)}
      rows={props.rows}
      {...paneFrame(props)}
      empty={emptyText(props.view.peersError ? `Cannot list peers: ${props.view.peersError}` : 'No peer. p adds one (a remote NETunnel server).', props.filter)}
    />
  );
}

/** The pane its rows belong to. */
export function Pane({rows, ...props}: Omit<PaneProps<never>, 'rows'> & {rows: PaneRows}) {
  if (rows.pane === 'channels') return <ChannelsPane {...props} rows={rows.rows} />;
  if (rows.pane === 'tunnels') return <TunnelsPane {...props} rows={rows.rows} />;
  if (rows.pane === 'connections') return <ConnectionsPane {...props} rows={rows.rows} />;
  if (rows.pane === 'events') return <EventsPane {...props} rows={rows.rows} />;
  return <PeersPane {...props} rows={rows.rows} />;
}
