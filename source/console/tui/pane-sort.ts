/**
 * Sorting a pane's rows by any of its columns (o picks the next column, O flips the order):
 * the table's generic sortRows on the pane's columns, the same for every pane; the Peers pane
 * keeps its tree (peers sorted, each peer's static tunnels sorted under it). The Events pane
 * is a timeline and keeps its order.
 */
import {connectionColumns} from './connections-pane.js';
import type {PaneRows, PeerRow} from './pane-rows.js';
import {channelColumns, peerColumns, tunnelColumns} from './panes.js';
import {firstSortDirection, sortRows, type Column, type SortOrder} from './table.js';
import type {Theme} from './theme.js';

/** The Connections pane's columns, for their headers and sort keys (neither depends on the clock). */
const connectionColumnsOf = (theme: Theme) => connectionColumns(theme, 0, 0);

function sortPeers(rows: PeerRow[], columns: Column<PeerRow>[], sort: SortOrder): PeerRow[] {
  const peers = rows.filter((row) => row.kind === 'peer');
  const statics = (peerKey: string) => rows.filter((row): row is Extract<PeerRow, {kind: 'static'}> => row.kind === 'static' && `p${row.peer.id}` === peerKey);
  return sortRows(peers, columns, sort).flatMap((peerRow) => {
    const sorted = sortRows(statics(peerRow.key), columns, sort);
    return [peerRow, ...sorted.map((row, index) => ({...row, last: index === sorted.length - 1}))];
  });
}

/** The rows in the order `sort` asks (unchanged without one). */
export function sortPaneRows(rows: PaneRows, sort: SortOrder | undefined, theme: Theme): PaneRows {
  if (!sort) return rows;
  switch (rows.pane) {
    case 'channels':
      return {pane: 'channels', rows: sortRows(rows.rows, channelColumns(theme), sort)};
    case 'tunnels':
      return {pane: 'tunnels', rows: sortRows(rows.rows, tunnelColumns(theme, rows.rows), sort)};
    case 'peers':
      return {pane: 'peers', rows: sortPeers(rows.rows, peerColumns(theme), sort)};
    case 'connections':
      return {pane: 'connections', rows: sortRows(rows.rows, connectionColumnsOf(theme), sort)};
    default:
      return rows;
  }
}

/**
 * Calls `use` with the pane's columns and rows, whatever their row type (null: a pane without
 * columns, the Events timeline).
 */
function withColumns<T>(rows: PaneRows, theme: Theme, use: <Row>(columns: readonly Column<Row>[], rows: readonly Row[]) => T): T | null {
  switch (rows.pane) {
    case 'channels':
      return use(channelColumns(theme), rows.rows);
    case 'tunnels':
      return use(tunnelColumns(theme, rows.rows), rows.rows);
    case 'peers':
      return use(peerColumns(theme), rows.rows);
    case 'connections':
      return use(connectionColumnsOf(theme), rows.rows);
    default:
      return null;
  }
}

function headersOf(rows: PaneRows, theme: Theme): string[] {
  return withColumns(rows, theme, (columns) => columns.map((column) => column.header)) ?? [];
}

function firstDirection(rows: PaneRows, column: number, theme: Theme): boolean {
  return withColumns(rows, theme, (columns, paneRows) => firstSortDirection(columns[column]!, paneRows)) ?? false;
}

/** o: the next column (numbers biggest first, text A to Z), and after the last, the natural order again. */
export function nextSort(rows: PaneRows, current: SortOrder | undefined, theme: Theme): SortOrder | null {
  const column = current === undefined ? 0 : current.column + 1;
  if (column >= headersOf(rows, theme).length) return null;
  return {column, descending: firstDirection(rows, column, theme)};
}

/** What the status line says of a sort. */
export function sortText(rows: PaneRows, sort: SortOrder | null, theme: Theme): string {
  if (sort === null) return 'Rows in their natural order (o sorts by a column)';
  const header = headersOf(rows, theme)[sort.column]!;
  return `Sorted by ${header}, ${sort.descending ? 'descending' : 'ascending'} (o: next column, O: flip)`;
}
