/**
 * The details (Enter) of what the connections API and the event stream tell: a connection, an
 * event of the timeline, and a tunnel's drain state, connect latency (p50/p90 and a sparkline of
 * its last 30 s) and the short-lived connections it only counted.
 */
import {ageOf, formatAge} from '../age.js';
import type {TimelineEntry} from '../event-timeline.js';
import {formatBytes, formatEndpoint, formatRate, formatTime, sparkline} from '../format.js';
import {serverNow} from '../server-clock.js';
import type {ServerView, TunnelRow} from '../store.js';
import type {DetailLine} from './details.js';
import type {ConnectionPaneRow} from './pane-rows.js';
import {reportsConnections} from './pane-rows.js';

/** Latencies below a millisecond matter: `0.41 ms`, `12.5 ms`, `340 ms`. */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/**
 * A connect history (one slot a second, the last one the second of `asOf`) as of `now`, both
 * server times in ms: slid left by the whole seconds between, the slots that came in empty.
 * The server resends a tunnel's history only when a sample enters or leaves it, not each
 * second; without `asOf` (an older server) it is shown as it came.
 */
export function slidHistory(history: readonly (number | null)[], asOf: number | null, now: number): Array<number | null> {
  const seconds = asOf === null ? 0 : Math.floor(now / 1000) - Math.floor(asOf / 1000);
  if (seconds <= 0) return [...history];
  const kept = history.slice(Math.min(seconds, history.length));
  return [...kept, ...new Array<null>(history.length - kept.length).fill(null)];
}

export function tunnelActivityLines(view: ServerView, tunnel: TunnelRow, ascii: boolean, now: number): DetailLine[] {
  if (!reportsConnections(view)) return [];
  const lines: DetailLine[] = [['State', tunnel.draining ? 'draining: takes no new connection, goes once the open ones ended' : 'open']];
  const connect = tunnel.connect;
  if (connect) {
    const part = tunnel.direction === 'forward' ? 'start to target connected' : 'accept to start sent';
    lines.push(['Connect', `p50 ${formatLatency(connect.p50)}, p90 ${formatLatency(connect.p90)} (this server's part: ${part})`]);
    const history = slidHistory(connect.history, tunnel.connectAsOf, serverNow(view.clockOffsetMs, now));
    const known = history.filter((value): value is number => value !== null);
    const peak = known.length > 0 ? `  max ${formatLatency(Math.max(...known))}` : '  no connect in the last 30 s';
    lines.push(['Connect, 30 s', `${sparkline(history.map((value) => value ?? 0), history.length, ascii)}${peak}`]);
  }
  const open = view.connections.filter((connection) => connection.tunnelKey === tunnel.key).length;
  lines.push(['Listed now', `${open} open connection${open === 1 ? '' : 's'} (Connections pane)`]);
  const short = view.shortLived[tunnel.key];
  if (short) {
    lines.push([
      'Short-lived',
      `${short.count} closed within a second (${short.aborted} aborted): ${formatBytes(short.sent)} sent, ${formatBytes(short.received)} received`,
    ]);
  }
  return lines;
}

function endedText(row: ConnectionPaneRow): string {
  if (row.state === 'open') return 'open both ways';
  return row.ended === 'sent' ? 'half-closed: the way toward the exit ended, the way back still flows' : 'half-closed: the way back ended, the way toward the exit still flows';
}

export function connectionLines(view: ServerView, row: ConnectionPaneRow, now: number): DetailLine[] {
  const tunnel = row.tunnel;
  const route = tunnel
    ? `${row.tunnelKey} ${tunnel.direction === 'forward' ? 'fwd' : 'rev'} ${formatEndpoint(tunnel.entrance)} -> ${formatEndpoint(tunnel.exit)}${tunnel.draining ? ', draining' : ''}`
    : row.tunnelKey;
  return [
    [`Connection ${row.id}${row.own ? " (through this console's own tunnel)" : ''}`],
    ['Tunnel', route],
    ['Source', row.source ? formatEndpoint(row.source) : '? (not told: a 1.0.12 client, or a forward tunnel without the stream extension)'],
    ['Opened', `${formatTime(row.openedAt)} (${formatAge(ageOf(row.openedAt, view.clockOffsetMs, now))} ago)`],
    ['Last activity', `${formatTime(row.lastActivityAt)} (idle ${formatAge(ageOf(row.lastActivityAt, view.clockOffsetMs, now))})`],
    ['State', endedText(row)],
    ['Sent', `${formatBytes(row.sent)} (${row.sent} bytes, entrance to exit)`],
    ['Received', `${formatBytes(row.received)} (${row.received} bytes, back)`],
    ['Rate', `${formatRate(row.rateSent)} sent, ${formatRate(row.rateReceived)} received`],
  ];
}

/** Words in lines of at most `width` characters (a longer word is a line of its own). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/** An event in full: a refusal's message can be long, so it is wrapped (to fit 80 columns). */
export function eventLines(entry: TimelineEntry): DetailLine[] {
  const [first, ...rest] = wrapWords(entry.text, 58);
  return [
    [`Event ${entry.type}`],
    ['Time', formatTime(entry.at)],
    ['What', first ?? ''],
    ...rest.map((line): DetailLine => ['', line]),
    ['Address', entry.address ?? '-'],
  ];
}
