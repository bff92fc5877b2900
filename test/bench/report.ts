/** The bench's table, printed as aligned plain text: one row per measure, every way side by side. */

export interface Row {
  measure: string;
  stream: string;
  classic: string;
  relay: string;
  direct: string;
  /** stream / direct, stream / relays, stream / classic. */
  toDirect: string;
  toRelay: string;
  toClassic: string;
  target: string;
  met: string;
}

const COLUMNS: Array<[keyof Row, string]> = [
  ['measure', 'measure'],
  ['stream', 'stream ext.'],
  ['classic', 'classic'],
  ['relay', '2 relays'],
  ['direct', 'direct'],
  ['toDirect', 'str/direct'],
  ['toRelay', 'str/relays'],
  ['toClassic', 'str/classic'],
  ['target', 'target'],
  ['met', 'met'],
];

export function formatTable(rows: Row[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
  const line = (cells: string[]) => cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ');
  return [line(COLUMNS.map(([, title]) => title)), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map((row) => line(COLUMNS.map(([key]) => row[key])))].join('\n');
}

/** The same table in Markdown, for the README. */
export function formatMarkdown(rows: Row[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(COLUMNS.map(([, title]) => title)), line(COLUMNS.map(() => '---')), ...rows.map((row) => line(COLUMNS.map(([key]) => row[key])))].join('\n');
}

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
