/** The bench's table, printed as aligned plain text. */

export interface Row {
  measure: string;
  tunnel: string;
  direct: string;
  ratio: string;
  target: string;
  met: string;
}

const COLUMNS: Array<[keyof Row, string]> = [
  ['measure', 'measure'],
  ['tunnel', 'tunnel'],
  ['direct', 'direct'],
  ['ratio', 'tunnel/direct'],
  ['target', 'target'],
  ['met', 'met'],
];

export function formatTable(rows: Row[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
  const line = (cells: string[]) => cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ');
  return [line(COLUMNS.map(([, title]) => title)), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map((row) => line(COLUMNS.map(([key]) => row[key])))].join('\n');
}

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
