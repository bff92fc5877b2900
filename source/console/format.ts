/** Text formatting shared by the TUI and the scripted mode: sizes, rates, endpoints, sparklines. */
import type {SocketAddress} from '../protocol/socket-address.js';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 0 B, 999 B, 1.0 KB, 12 KB, 1.5 MB (powers of 1024, at most 3 significant digits). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1024;
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
export function sparkline(values: readonly number[], width: number, ascii = false): string {
  const bars = ascii ? BARS_ASCII : BARS_UNICODE;
  const recent = values.slice(-width);
  const max = Math.max(0, ...recent);
  let line = ' '.repeat(width - recent.length);
  for (const value of recent) {
    if (value <= 0 || max === 0) line += ' ';
    else line += bars[Math.min(bars.length - 1, Math.floor((value / max) * (bars.length - 1) + 0.5))];
  }
  return line;
}

/** Cuts `text` to `width` characters, ending with an ellipsis when cut. */
export function truncate(text: string, width: number, ascii = false): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  const ellipsis = ascii ? '~' : '…';
  return chars.slice(0, width - 1).join('') + ellipsis;
}

/** Truncates or pads `text` to exactly `width` characters. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left', ascii = false): string {
  const cut = truncate(text, width, ascii);
  const length = [...cut].length;
  const padding = ' '.repeat(Math.max(0, width - length));
  return align === 'left' ? cut + padding : padding + cut;
}
