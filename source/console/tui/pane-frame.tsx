/**
 * What every pane shares: its props, what its table takes from it (row keys, selection, size,
 * stale data dimmed), the marker of the console's own rows, the text of an empty or filtered
 * out table, and the lines a pane shows instead of a table when the server cannot fill it.
 */
import {Box, Text} from 'ink';
import type {ServerView} from '../store.js';
import type {SortOrder} from './table.js';
import {glyphs, tone, useTheme, type Theme} from './theme.js';

export interface PaneProps<Row> {
  view: ServerView;
  rows: Row[];
  selectedKey: string | undefined;
  width: number;
  height: number;
  filter: string;
  /** The order the rows are in (sorted by pane-sort.ts), marked in the header. */
  sort?: SortOrder | undefined;
}

export function paneFrame(props: PaneProps<unknown>) {
  return {
    keyOf: (row: {key: string}) => row.key,
    selectedKey: props.selectedKey,
    width: props.width,
    height: props.height,
    dim: props.view.stale,
    sort: props.sort ?? null,
  };
}

/** The marker of the console's own rows. */
export function ownMark(theme: Theme) {
  return {mark: (row: {own: boolean}) => (row.own ? glyphs(theme).own : ' '), markTone: () => 'own' as const};
}

export function emptyText(what: string, filter: string): string {
  return filter.trim() === '' ? what : `No row matches "${filter}" (Esc clears the filter)`;
}

/** Why the pane has no table: the first line a warning, the others explaining. */
export function PaneNotice({lines, width, height}: {lines: readonly string[]; width: number; height: number}) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width} height={height} overflowY="hidden">
      {lines.slice(0, height).map((line, index) => (
        <Text key={index} color={tone(theme, index === 0 ? 'warn' : 'muted')} wrap="truncate-end">
          {`  ${line}`}
        </Text>
      ))}
    </Box>
  );
}

/** Why a server without our management API (1.0.12, --no-extensions) cannot fill a pane. */
export function noManagementLines(what: string): string[] {
  return [`This server cannot ${what}: it has no management API`, '(a NETunnel 1.0.12 server, or netunnel-server --no-extensions).'];
}
