/**
 * The Connections pane: every open tunnelled connection of the server, where it came from,
 * its bytes each way, its rate, how long it has been idle and open, and whether one way has
 * ended. Ages move once a second (use-clock.ts) while the pane is on screen: only the rows
 * whose text changed are written (screen.ts), so a thousand connections cost the visible rows.
 */
import {ageOf, formatAge} from '../age.js';
import {formatBytes, formatEndpoint, formatRate} from '../format.js';
import {serverTime} from '../server-clock.js';
import type {ConnectionPaneRow} from './pane-rows.js';
import {reportsConnections} from './pane-rows.js';
import {emptyText, noManagementLines, ownMark, paneFrame, PaneNotice, type PaneProps} from './pane-frame.js';
import {Table, type Column} from './table.js';
import {glyphs, useTheme, type Theme} from './theme.js';
import {useClock} from './use-clock.js';

/** `open`, or `half-closed` (one way ended: the details say which). */
export function connectionStateText(row: Pick<ConnectionPaneRow, 'state'>): string {
  return row.state;
}

/** Last in A to Z: a connection nobody told the source of. */
const NO_SOURCE = '\uffff';

/** An instant to sort by (the epoch when it is not a time). */
const timeOf = (iso: string) => serverTime(iso) ?? 0;

/**
 * The pane's columns; each sorts by its value (pane-sort.ts), not by its text: bytes and rates
 * as numbers, idle time and age by the instants they count from (the longer, the bigger).
 */
export function connectionColumns(theme: Theme, clockOffsetMs: number, now: number): Column<ConnectionPaneRow>[] {
  const marks = glyphs(theme);
  return [
    {header: 'ID', width: 5, align: 'right', cell: (row) => String(row.id), sortKey: (row) => row.id},
    {header: 'TUNNEL', width: 6, cell: (row) => row.tunnelKey, sortKey: (row) => row.tunnelKey},
    {
      header: 'SOURCE',
      width: 15,
      flex: true,
      cell: (row) => formatEndpoint(row.source),
      sortKey: (row) => (row.source ? formatEndpoint(row.source) : NO_SOURCE),
      tone: (row) => (row.own ? 'own' : undefined),
    },
    {header: theme.ascii ? 'SENT' : `${marks.up}SENT`, width: 6, align: 'right', cell: (row) => formatBytes(row.sent), sortKey: (row) => row.sent},
    {header: theme.ascii ? 'RECV' : `${marks.down_}RECV`, width: 6, align: 'right', cell: (row) => formatBytes(row.received), sortKey: (row) => row.received},
    {header: 'RATE', width: 8, align: 'right', cell: (row) => formatRate(row.rateSent + row.rateReceived), sortKey: (row) => row.rateSent + row.rateReceived, drop: 3},
    {
      header: 'IDLE',
      width: 4,
      align: 'right',
      cell: (row) => formatAge(ageOf(row.lastActivityAt, clockOffsetMs, now)),
      sortKey: (row) => -timeOf(row.lastActivityAt),
      drop: 2,
    },
    {header: 'AGE', width: 4, align: 'right', cell: (row) => formatAge(ageOf(row.openedAt, clockOffsetMs, now)), sortKey: (row) => -timeOf(row.openedAt), drop: 4},
    {header: 'STATE', width: 11, cell: connectionStateText, sortKey: connectionStateText, tone: (row) => (row.state === 'open' ? 'ok' : 'warn'), drop: 1},
  ];
}

export function ConnectionsPane(props: PaneProps<ConnectionPaneRow>) {
  const theme = useTheme();
  const {view} = props;
  const reports = reportsConnections(view);
  const now = useClock(reports && props.rows.length > 0);
  if (view.mode === 'legacy') {
    return <PaneNotice lines={[...noManagementLines('list connections'), "The console's own tunnels are in the Tunnels pane."]} width={props.width} height={props.height} />;
  }
  if (view.mode === 'management' && !reports) {
    return (
      <PaneNotice
        lines={['This server does not list its connections:', 'a netunnel-server without the connections API (no "connections" feature).']}
        width={props.width}
        height={props.height}
      />
    );
  }
  return (
    <Table<ConnectionPaneRow>
      columns={connectionColumns(theme, view.clockOffsetMs, now)}
      rows={props.rows}
      {...paneFrame(props)}
      {...ownMark(theme)}
      empty={emptyText(view.mode === 'unknown' ? 'Waiting for the server...' : 'No connection open for over a second (shorter ones: a tunnel\'s details).', props.filter)}
    />
  );
}
