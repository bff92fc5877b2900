/** The console's fixed lines: server tabs, pane tabs, the status line and the key bar. */
import {Text} from 'ink';
import type {ServerView} from '../store.js';
import {displayWidth, rttSparkline, truncate} from '../format.js';
import {PANES, type PaneName} from './keymap.js';
import {glyphs, tone, useTheme, type Tone} from './theme.js';

const PANE_TITLES: Record<PaneName, string> = {channels: 'Channels', tunnels: 'Tunnels', connections: 'Conns', peers: 'Peers', events: 'Events'};

export function statusLabel(view: ServerView): {mark: string; text: string; tone: Tone} {
  switch (view.status) {
    case 'connected':
      return {mark: 'connected', text: 'connected', tone: 'ok'};
    case 'reconnecting':
      return {mark: 'reconnecting', text: 'reconnecting', tone: 'warn'};
    case 'down':
      return {mark: 'down', text: 'down', tone: 'error'};
    case 'unusable':
      return {mark: 'down', text: view.problem ?? 'unusable', tone: 'error'};
    default:
      return {mark: 'connecting', text: 'connecting', tone: 'muted'};
  }
}

/** True when the server said it listens beyond loopback without an auth plugin. */
export function isExposed(view: ServerView): boolean {
  return view.info?.exposed_without_auth === true;
}

/** The tab's colour: its status's, or the warning colour for an exposed server. */
export function tabTone(view: ServerView): Tone {
  return isExposed(view) ? 'warn' : statusLabel(view).tone;
}

/** One tab: `1 local ● 1.0.12 2ms`, `2 prod ○ down`, or `3 lab ● ⚠ no auth 1.0.12 3ms` for an exposed server. */
export function tabText(view: ServerView, index: number, ascii: boolean): string {
  const marks = glyphs({color: false, ascii});
  const label = statusLabel(view);
  const mark = marks[label.mark as 'connected' | 'reconnecting' | 'down' | 'connecting'];
  const parts = [`${index + 1}`, view.name, mark];
  if (isExposed(view)) parts.push(`${marks.exposed} no auth`);
  if (view.status === 'connected') {
    if (view.version) parts.push(view.mode === 'legacy' ? `${view.version} (no mgmt)` : view.version);
    if (view.rttMs !== null) parts.push(`${view.rttMs}ms`);
    if (view.health.rttHistory.length >= 2) parts.push(rttSparkline(view.health.rttHistory, 4, ascii).trimStart());
  } else {
    parts.push(label.text);
  }
  // How often it was lost and came back (the details, i, say when and why).
  if (view.health.reconnects > 0) parts.push(`${ascii ? 'r' : '↻'}${view.health.reconnects}`);
  return parts.join(' ');
}

export function ServerTabs({servers, selected, width}: {servers: readonly ServerView[]; selected: number; width: number}) {
  const theme = useTheme();
  let used = 0;
  const items = [];
  for (const [index, view] of servers.entries()) {
    const text = ` ${tabText(view, index, theme.ascii)} `;
    const room = width - used;
    if (room <= 0) break;
    const shown = truncate(text, room, theme.ascii);
    used += [...shown].length + 1;
    items.push(
      <Text key={view.key}>
        <Text inverse={index === selected} bold={index === selected} color={tone(theme, tabTone(view))}>
          {shown}
        </Text>
        {used < width ? ' ' : ''}
      </Text>,
    );
  }
  return <Text wrap="truncate-end">{items}</Text>;
}

export function PaneTabs(props: {pane: PaneName; counts: Record<PaneName, number | null>; right: string; width: number}) {
  const theme = useTheme();
  const tabs = PANES.map((pane) => {
    const count = props.counts[pane];
    return {pane, text: ` ${PANE_TITLES[pane]}${count === null ? '' : ` (${count})`} `};
  });
  const used = tabs.reduce((sum, tab) => sum + tab.text.length + 1, 0);
  const right = truncate(props.right, Math.max(0, props.width - used - 1), theme.ascii);
  const gap = Math.max(1, props.width - used - [...right].length);
  return (
    <Text wrap="truncate-end">
      {tabs.map((tab) => (
        <Text key={tab.pane}>
          <Text inverse={tab.pane === props.pane} bold={tab.pane === props.pane} underline={tab.pane !== props.pane && theme.color}>
            {tab.text}
          </Text>{' '}
        </Text>
      ))}
      {' '.repeat(Math.max(0, gap - 1))}
      <Text color={tone(theme, 'muted')}>{right}</Text>
    </Text>
  );
}

export interface StatusMessage {
  text: string;
  /** The same in fewer words, shown when `text` does not fit (what matters is never cut). */
  short?: string;
  tone: Tone;
  /** A row to select once the action is done (e.g. the tunnel just opened). */
  select?: {pane: PaneName; key: string};
}

export function StatusLine({message, width}: {message: StatusMessage | null; width: number}) {
  const theme = useTheme();
  if (!message) return <Text> </Text>;
  return (
    <Text color={tone(theme, message.tone)} bold={message.tone === 'own' || message.tone === 'ok'} wrap="truncate-end">
      {truncate(message.short !== undefined && displayWidth(message.text) > width ? message.short : message.text, width, theme.ascii)}
    </Text>
  );
}

/** `n new tunnel  d tear down  ...`, as many as fit. */
export function KeyBar({entries, width}: {entries: ReadonlyArray<{keys: string; label: string}>; width: number}) {
  const theme = useTheme();
  const shown: Array<{keys: string; label: string}> = [];
  let used = 0;
  for (const entry of entries) {
    const size = entry.keys.length + 1 + entry.label.length + 2;
    if (used + size - 2 > width) break;
    shown.push(entry);
    used += size;
  }
  return (
    <Text wrap="truncate-end">
      {shown.map((entry, index) => (
        <Text key={index}>
          {index > 0 ? '  ' : ''}
          <Text bold inverse={theme.color}>
            {entry.keys}
          </Text>
          <Text color={tone(theme, 'muted')}>{` ${entry.label}`}</Text>
        </Text>
      ))}
    </Text>
  );
}
