/**
 * The order of the Connections pane: by any of its columns, `o` moving to the next column and
 * `O` turning the order around. Each column starts in the order one looks for first: the
 * biggest, busiest, most idle and oldest connections on top; ids, tunnels, sources and states
 * ascending. Ties keep the oldest connection (lowest id) first, so that equal rows never swap
 * places between two frames.
 */
import type {ConnectionPaneRow} from './pane-rows.js';

export type ConnectionSortColumn = 'id' | 'tunnel' | 'source' | 'sent' | 'received' | 'rate' | 'idle' | 'age' | 'state';

/** In the pane's column order. */
export const CONNECTION_SORT_COLUMNS: readonly ConnectionSortColumn[] = ['id', 'tunnel', 'source', 'sent', 'received', 'rate', 'idle', 'age', 'state'];

export interface ConnectionSort {
  column: ConnectionSortColumn;
  descending: boolean;
}

const STARTS_DESCENDING: ReadonlySet<ConnectionSortColumn> = new Set(['sent', 'received', 'rate', 'idle', 'age']);

export const DEFAULT_CONNECTION_SORT: ConnectionSort = {column: 'id', descending: false};

/** The next column (after the last: the first), in the order it starts in. */
export function nextConnectionSort(sort: ConnectionSort): ConnectionSort {
  const column = CONNECTION_SORT_COLUMNS[(CONNECTION_SORT_COLUMNS.indexOf(sort.column) + 1) % CONNECTION_SORT_COLUMNS.length]!;
  return {column, descending: STARTS_DESCENDING.has(column)};
}

export function reversedConnectionSort(sort: ConnectionSort): ConnectionSort {
  return {column: sort.column, descending: !sort.descending};
}

const time = (iso: string) => {
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? 0 : parsed;
};

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Ascending order of one column. */
function compare(column: ConnectionSortColumn, a: ConnectionPaneRow, b: ConnectionPaneRow): number {
  switch (column) {
    case 'id':
      return a.id - b.id;
    case 'tunnel':
      return a.channelId - b.channelId || a.tunnelId - b.tunnelId;
    case 'source':
      // No source last; then by address and port as numbers (50000 after 9000).
      if (!a.source || !b.source) return (a.source ? 0 : 1) - (b.source ? 0 : 1);
      return byText(a.source.address, b.source.address) || a.source.port - b.source.port;
    case 'sent':
      return a.sent - b.sent;
    case 'received':
      return a.received - b.received;
    case 'rate':
      return a.rateSent + a.rateReceived - (b.rateSent + b.rateReceived);
    case 'idle':
      // The longer idle, the earlier its last activity.
      return time(b.lastActivityAt) - time(a.lastActivityAt);
    case 'age':
      return time(b.openedAt) - time(a.openedAt);
    case 'state':
      return byText(a.state, b.state);
  }
}

export function sortConnectionRows(rows: readonly ConnectionPaneRow[], sort: ConnectionSort): ConnectionPaneRow[] {
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => sign * compare(sort.column, a, b) || a.id - b.id);
}

/** For the pane's header line: `sort: rate ↓`. */
export function connectionSortLabel(sort: ConnectionSort, arrows: {up: string; down: string}): string {
  return `sort: ${sort.column} ${sort.descending ? arrows.down : arrows.up}`;
}
