/**
 * How the scripted mode prints: cli-table3 tables on a terminal, the same cells as plain
 * aligned text when stdout is not a terminal (a pipe, a file), and JSON with --json.
 */
import Table from 'cli-table3';
import {displayWidth} from '../display-width.js';

export type OutputMode = 'table' | 'plain' | 'json';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export interface TextSink {
  write(text: string): unknown;
}

const ASCII_CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

/** A table with borders (cli-table3), without colours. */
export function renderTable(columns: Column[], rows: string[][], options: {ascii?: boolean} = {}): string {
  const table = new Table({
    head: columns.map((column) => column.header),
    colAligns: columns.map((column) => column.align ?? 'left'),
    style: {head: [], border: []},
    ...(options.ascii ? {chars: ASCII_CHARS} : {}),
  });
  table.push(...rows);
  return `${table.toString()}\n`;
}

/** Columns separated by two spaces, headers first, no trailing spaces; widths in terminal columns (a CJK character takes two). */
export function renderPlain(columns: Column[], rows: string[][]): string {
  const all = [columns.map((column) => column.header), ...rows];
  const widths = columns.map((_, index) => Math.max(...all.map((row) => displayWidth(row[index] ?? ''))));
  const lines = all.map((row) =>
    columns
      .map((column, index) => {
        const cell = row[index] ?? '';
        const padding = ' '.repeat(widths[index]! - displayWidth(cell));
        if (index === columns.length - 1 && column.align !== 'right') return cell;
        return column.align === 'right' ? padding + cell : cell + padding;
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

export class Output {
  constructor(
    private readonly sink: TextSink,
    readonly mode: OutputMode,
    private readonly ascii = false,
  ) {}

  get json(): boolean {
    return this.mode === 'json';
  }

  line(text: string): void {
    this.sink.write(`${text}\n`);
  }

  /** One JSON document, indented (a single line would do for `watch`: see jsonLine). */
  document(value: unknown): void {
    this.sink.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  jsonLine(value: unknown): void {
    this.sink.write(`${JSON.stringify(value)}\n`);
  }

  table(columns: Column[], rows: string[][]): void {
    this.sink.write(this.mode === 'table' ? renderTable(columns, rows, {ascii: this.ascii}) : renderPlain(columns, rows));
  }
}
