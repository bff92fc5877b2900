/**
 * A table that always takes exactly `height` lines and never wraps: each column is as wide as
 * its widest cell (in terminal columns: a CJK character takes two), columns are dropped (least
 * important first) when the width is short, flexible ones share what is left, and every cell
 * is cut to its width. The selected row is shown inverted with a marker, and the view scrolls
 * to keep it visible. Any column sorts the rows (sortRows; the header marks it).
 */
import {Box, Text} from 'ink';
import {useRef} from 'react';
import {displayWidth, fit} from '../format.js';
import {glyphs, tone, useTheme, type Tone} from './theme.js';

export interface Column<Row> {
  header: string;
  /** The least width (a column grows to its widest cell, up to maxWidth). */
  width: number;
  /** The most a column grows to fit its cells (default: no limit). */
  maxWidth?: number;
  flex?: boolean;
  align?: 'left' | 'right';
  /** Higher numbers are dropped first when the table is too wide (0: never). */
  drop?: number;
  cell(row: Row): string;
  tone?(row: Row): Tone | undefined;
  /** What rows sort by on this column (default: the cell's text, numbers in it compared as numbers). */
  sortKey?(row: Row): number | string;
}

/** The rows sorted by one column of the table's (its index), each way. */
export interface SortOrder {
  column: number;
  descending: boolean;
}

export interface Layout<Row> {
  /** The columns kept, in order: their width and their place among all the columns. */
  columns: Array<Column<Row> & {actual: number; index: number}>;
}

const collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});

function keyOf<Row>(column: Column<Row>, row: Row): number | string {
  return column.sortKey ? column.sortKey(row) : column.cell(row);
}

function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** `rows` in the order `sort` asks (the same order when it asks none); ties keep their order. */
export function sortRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], sort: SortOrder | null | undefined): Row[] {
  const column = sort ? columns[sort.column] : undefined;
  if (!sort || !column) return [...rows];
  const keyed = rows.map((row, index) => ({row, index, key: keyOf(column, row)}));
  keyed.sort((a, b) => (sort.descending ? compareKeys(b.key, a.key) : compareKeys(a.key, b.key)) || a.index - b.index);
  return keyed.map(({row}) => row);
}

/** A column's first direction: numbers biggest first (rates, bytes, counts), text A to Z. */
export function firstSortDirection<Row>(column: Column<Row>, rows: readonly Row[]): boolean {
  return rows.length > 0 && typeof keyOf(column, rows[0]!) === 'number';
}

/** A column's header, with the sort marker when the rows are sorted by it. */
export function headerText(header: string, sorted: {descending: boolean} | undefined, ascii: boolean): string {
  if (!sorted) return header;
  return `${header}${sorted.descending ? (ascii ? 'v' : '▼') : ascii ? '^' : '▲'}`;
}

/** The columns that fit `width` (after the 2-character marker), and their widths for `rows`. */
export function layoutColumns<Row>(columns: readonly Column<Row>[], width: number, rows: readonly Row[] = [], headers?: readonly string[]): Layout<Row> {
  const available = width - 2;
  const wanted = columns.map((column, index) => {
    let natural = Math.max(column.width, displayWidth(headers?.[index] ?? column.header));
    for (const row of rows) natural = Math.max(natural, displayWidth(column.cell(row)));
    return Math.min(natural, Math.max(column.width, column.maxWidth ?? Number.POSITIVE_INFINITY));
  });
  const entries = columns.map((column, index) => ({column, index, want: wanted[index]!, least: column.flex ? column.width : wanted[index]!}));
  let kept = [...entries];
  const needed = (list: typeof entries) => list.reduce((sum, entry) => sum + entry.least, 0) + Math.max(0, list.length - 1);
  while (needed(kept) > available) {
    const droppable = kept.filter((entry) => (entry.column.drop ?? 0) > 0);
    if (droppable.length === 0) break;
    const worst = droppable.reduce((a, b) => ((b.column.drop ?? 0) >= (a.column.drop ?? 0) ? b : a));
    kept = kept.filter((entry) => entry !== worst);
  }
  // Still too wide: the fixed columns give back what their cells took beyond their least width.
  const actual = new Map(kept.map((entry) => [entry, entry.least]));
  let over = needed(kept) - available;
  for (const entry of [...kept].sort((a, b) => b.least - b.column.width - (a.least - a.column.width))) {
    if (over <= 0) break;
    const give = Math.min(over, entry.least - entry.column.width);
    actual.set(entry, entry.least - give);
    over -= give;
  }
  // What is left goes to the flexible columns: first what their cells want, then evenly.
  let spare = Math.max(0, available - [...actual.values()].reduce((sum, value) => sum + value, 0) - Math.max(0, kept.length - 1));
  const flexible = kept.filter((entry) => entry.column.flex);
  for (let grown = true; spare > 0 && grown; ) {
    grown = false;
    for (const entry of flexible) {
      if (spare > 0 && actual.get(entry)! < entry.want) {
        actual.set(entry, actual.get(entry)! + 1);
        spare -= 1;
        grown = true;
      }
    }
  }
  const share = flexible.length > 0 ? Math.floor(spare / flexible.length) : 0;
  let remainder = flexible.length > 0 ? spare - share * flexible.length : 0;
  for (const entry of flexible) {
    actual.set(entry, actual.get(entry)! + share + (remainder > 0 ? 1 : 0));
    if (remainder > 0) remainder -= 1;
  }
  return {columns: kept.map((entry) => ({...entry.column, actual: actual.get(entry)!, index: entry.index}))};
}

export interface TableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  keyOf(row: Row): string;
  /** The key of the selected row (none: no selection shown). */
  selectedKey: string | undefined;
  /** Extra marker after the selection marker (e.g. the console's own tunnels). */
  mark?(row: Row): string;
  markTone?(row: Row): Tone | undefined;
  width: number;
  /** Lines, header included. */
  height: number;
  /** Shown when there is no row. */
  empty: string;
  /** Dims every row (stale data). */
  dim?: boolean;
  /** The order the rows are in (they come sorted: sortRows), shown in the header. */
  sort?: SortOrder | null;
}

export function Table<Row>(props: TableProps<Row>) {
  const theme = useTheme();
  const marks = glyphs(theme);
  const headers = props.columns.map((column, index) =>
    headerText(column.header, props.sort?.column === index ? props.sort : undefined, theme.ascii),
  );
  const {columns} = layoutColumns(props.columns, props.width, props.rows, headers);
  const bodyHeight = Math.max(0, props.height - 1);
  const selectedIndex = props.rows.findIndex((row) => props.keyOf(row) === props.selectedKey);
  const offsetRef = useRef(0);
  let offset = offsetRef.current;
  if (selectedIndex !== -1) {
    if (selectedIndex < offset) offset = selectedIndex;
    if (selectedIndex >= offset + bodyHeight) offset = selectedIndex - bodyHeight + 1;
  }
  offset = Math.max(0, Math.min(offset, props.rows.length - bodyHeight));
  offsetRef.current = offset;

  const header = '  ' + columns.map((column) => fit(headers[column.index]!, column.actual, column.align, theme.ascii)).join(' ');
  const lines = [
    <Text key="header" bold wrap="truncate-end">
      {header}
    </Text>,
  ];
  const visible = props.rows.slice(offset, offset + bodyHeight);
  if (props.rows.length === 0 && bodyHeight > 0) {
    lines.push(
      <Text key="empty" color={tone(theme, 'muted')} wrap="truncate-end">
        {'  ' + props.empty}
      </Text>,
    );
  }
  for (const row of visible) {
    const key = props.keyOf(row);
    const selected = key === props.selectedKey;
    const mark = props.mark?.(row) ?? ' ';
    lines.push(
      <Text key={`row-${key}`} inverse={selected} dimColor={props.dim && !selected} wrap="truncate-end">
        {selected ? marks.selected : ' '}
        <Text color={tone(theme, props.markTone?.(row))}>{fit(mark, 1)}</Text>
        {columns.map((column, index) => (
          <Text key={index} color={selected ? undefined : tone(theme, column.tone?.(row))}>
            {(index === 0 ? '' : ' ') + fit(column.cell(row), column.actual, column.align, theme.ascii)}
          </Text>
        ))}
      </Text>,
    );
  }
  while (lines.length < props.height) lines.push(<Text key={`pad-${lines.length}`}> </Text>);
  return (
    <Box flexDirection="column" width={props.width} height={props.height} overflowY="hidden">
      {lines.slice(0, props.height)}
    </Box>
  );
}
