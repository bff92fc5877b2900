/**
 * Text formatting shared by the TUI and the scripted mode: sizes, rates, endpoints, sparklines,
 * and text cut or wrapped to a number of terminal columns (display-width.ts: a CJK character
 * takes two). Sizes are decimal (SI: 1 kB = 1000 B, 1 MB = 1000 kB), as network rates are.
 */
import type {SocketAddress} from '../protocol/socket-address.js';
import {clustersOf, displayWidth} from './display-width.js';

export {displayWidth};

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** 0 B, 999 B, 1.0 kB, 12 kB, 1.5 MB (powers of 1000, at most 3 significant digits). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // 999.5 kB would round to "1000 kB": it is 1.0 MB.
  while (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond <= 0) return '-';
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatEndpoint(endpoint: SocketAddress | null | undefined): string {
  if (!endpoint) return '?';
  return endpoint.address.includes(':') ? `[${endpoint.address}]:${endpoint.port}` : `${endpoint.address}:${endpoint.port}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

/** `2026-11-27 14:30:00` in local time, or '-' . */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const BARS_UNICODE = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const BARS_ASCII = ['_', '.', ',', '-', '=', '+', '*', '#'];

/**
 * A sparkline of `width` characters for the last values (oldest first), scaled to their
 * maximum; missing older samples and zeros are blanks.
 */
export function sparkline(values: readonly number[], width: number, ascii = false, floor = 0): string {
  const bars = ascii ? BARS_ASCII : BARS_UNICODE;
  const recent = values.slice(-width);
  // `floor`: the least full scale (round trips of a few ms jitter without drawing a change).
  const max = Math.max(0, floor, ...recent);
  let line = ' '.repeat(width - recent.length);
  for (const value of recent) {
    if (value <= 0 || max === 0) line += ' ';
    else line += bars[Math.min(bars.length - 1, Math.floor((value / max) * (bars.length - 1) + 0.5))];
  }
  return line;
}

/** A round trip: `0.4ms`, `12ms`. */
export function formatRtt(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}

/** A round-trip history as a sparkline scaled to at least 20 ms (jitter below that draws flat). */
export function rttSparkline(history: readonly number[], width: number, ascii = false): string {
  return sparkline(history, width, ascii, 20);
}

/** Cuts `text` to `width` columns, ending with an ellipsis when cut. */
export function truncate(text: string, width: number, ascii = false): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let kept = '';
  let used = 0;
  for (const {cluster, width: columns} of clustersOf(text)) {
    if (used + columns > width - 1) break;
    kept += cluster;
    used += columns;
  }
  return kept + (ascii ? '~' : '…');
}

/** Truncates or pads `text` to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left', ascii = false): string {
  const cut = truncate(text, width, ascii);
  const padding = ' '.repeat(Math.max(0, width - displayWidth(cut)));
  return align === 'left' ? cut + padding : padding + cut;
}

/**
 * `text` in lines of at most `width` columns, broken between words (a word longer than a line
 * is cut where it must be); at most `maxLines`, the last one ending with an ellipsis if more
 * was left.
 */
export function wrapWords(text: string, width: number, maxLines = Number.POSITIVE_INFINITY, ascii = false): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    while (displayWidth(rest) > width) {
      let head = '';
      let used = 0;
      let taken = 0;
      for (const {cluster, width: columns} of clustersOf(rest)) {
        if (used + columns > width) break;
        head += cluster;
        used += columns;
        taken += cluster.length;
      }
      if (taken === 0) break;
      lines.push(head);
      rest = rest.slice(taken);
    }
    line = rest;
  }
  if (line !== '') lines.push(line);
  if (lines.length <= maxLines) return lines;
  const shown = lines.slice(0, maxLines);
  shown[maxLines - 1] = truncate(`${shown[maxLines - 1]!} ${lines[maxLines]!}`, width, ascii);
  return shown;
}
