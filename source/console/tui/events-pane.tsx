/** The Events pane: the server's timeline (event-timeline.ts), newest first, refusals in red. */
import type {TimelineEntry} from '../event-timeline.js';
import {formatTime} from '../format.js';
import {emptyText, noManagementLines, paneFrame, PaneNotice, type PaneProps} from './pane-frame.js';
import {Table, type Column} from './table.js';

/** `14:32:05`: the day is in the details. */
function clockTime(iso: string): string {
  return formatTime(iso).slice(11);
}

const EVENT_COLUMNS: Column<TimelineEntry>[] = [
  {header: 'TIME', width: 8, cell: (row) => clockTime(row.at)},
  {header: 'EVENT', width: 19, cell: (row) => row.type, tone: () => 'muted', drop: 1},
  {header: 'WHAT', width: 20, flex: true, cell: (row) => row.text, tone: (row) => (row.tone === 'muted' ? undefined : row.tone)},
];

export function EventsPane(props: PaneProps<TimelineEntry>) {
  if (props.view.mode === 'legacy') return <PaneNotice lines={noManagementLines('stream its events')} width={props.width} height={props.height} />;
  return (
    <Table<TimelineEntry>
      columns={EVENT_COLUMNS}
      rows={props.rows}
      {...paneFrame(props)}
      empty={emptyText(props.view.mode === 'unknown' ? 'Waiting for the server...' : 'No event yet: channels, tunnels, peers and refusals show here.', props.filter)}
    />
  );
}
