/**
 * A table that always takes exactly `height` lines and never wraps: columns are dropped
 * (least important first) when the width is short, flexible ones share what is left, and
 * every cell is cut to its width. The selected row is shown inverted with a marker, and the
 * view scrolls to keep it visible.
 */
import {Box, Text} from 'ink';
import {useRef} from 'react';
import {fit} from '../format.js';
import {glyphs, tone, useTheme, type Tone} from './theme.js';

export interface Column<Row> {
  header: string;
  /** Fixed width, or the minimum width of a flexible column. */
  width: number;
  flex?: boolean;
  align?: 'left' | 'right';
  /** Higher numbers are dropped first when the table is too wide (0: never). */
  drop?: number;
  cell(row: Row): string;
  tone?(row: Row): Tone | undefined;
}

export interface Layout<Row> {
  columns: Array<Column<Row> & {actual: number}>;
}

/** The columns that fit `width` (after the 2-character marker) and their widths. */
export function layoutColumns<Row>(columns: readonly Column<Row>[], width: number): Layout<Row> {
  const available = width - 2;
  let kept = [...columns];
  const needed = (list: readonly Column<Row>[]) => list.reduce((sum, column) => sum + column.width, 0) + Math.max(0, list.length - 1);
  while (needed(kept) > available) {
    const droppable = kept.filter((column) => (column.drop ?? 0) > 0);
    if (droppable.length === 0) break;
    const worst = droppable.reduce((a, b) => ((b.drop ?? 0) >= (a.drop ?? 0) ? b : a));
    kept = kept.filter((column) => column !== worst);
  }
  const spare = Math.max(0, available - needed(kept));
  const flexible = kept.filter((column) => column.flex);
  const share = flexible.length > 0 ? Math.floor(spare / flexible.length) : 0;
  let remainder = flexible.length > 0 ? spare - share * flexible.length : 0;
  return {
    columns: kept.map((column) => {
      let actual = column.width;
      if (column.flex) {
        actual += share + (remainder > 0 ? 1 : 0);
        if (remainder > 0) remainder -= 1;
      }
      return {...column, actual};
    }),
  };
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
}

export function Table<Row>(props: TableProps<Row>) {
  const theme = useTheme();
  const marks = glyphs(theme);
  const {columns} = layoutColumns(props.columns, props.width);
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

  const header = '  ' + columns.map((column) => fit(column.header, column.actual, column.align, theme.ascii)).join(' ');
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
