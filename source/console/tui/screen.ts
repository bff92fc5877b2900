/**
 * The console's own screen writer. Ink renders in debug mode into `inkStdout` (each render
 * one whole frame, no cursor tricks of its own); this writer keeps the last frame shown and
 * writes only the rows that changed, each at its absolute position on the alternate screen.
 * So an idle console writes nothing, a moving counter costs one row, and no frame can
 * scroll the screen.
 *
 * Writes are spaced by `minIntervalMs` so that traffic updates cost little over SSH; a frame
 * a key caused (keyPressed() just before it) is written at once, so a key never waits for
 * that spacing.
 *
 * Why not Ink's own output: its standard mode rewrites the whole frame on every change
 * (kilobytes per second over SSH with one live counter), and its incremental mode (6.8)
 * moves the cursor one row short when a frame ends with a newline, shifting the screen.
 */
import {EventEmitter} from 'node:events';

const ESC = '\u001b[';
export const ENTER_ALTERNATE_SCREEN = `${ESC}?1049h`;
export const LEAVE_ALTERNATE_SCREEN = `${ESC}?1049l`;
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const CLEAR_SCREEN = `${ESC}2J`;
const RESET = `${ESC}0m`;
const ERASE_TO_END_OF_LINE = `${ESC}K`;
/** Synchronized output: the terminal shows the rows of one update at once (ignored where unknown). */
const BEGIN_UPDATE = `${ESC}?2026h`;
const END_UPDATE = `${ESC}?2026l`;

/** A frame this soon after a key press is that key's. */
const URGENT_WINDOW_MS = 250;

const moveTo = (row: number) => `${ESC}${row + 1};1H`;

export interface ScreenOptions {
  /** Least time between two writes (default 100 ms: at most 10 updates a second). */
  minIntervalMs?: number;
  /** Switch to the alternate screen (default true). */
  alternateScreen?: boolean;
}

/** What Ink is given as its stdout: a terminal of the real one's size that hands frames over. */
class InkStdout extends EventEmitter {
  readonly isTTY = true;

  constructor(
    private readonly real: NodeJS.WriteStream,
    private readonly onFrame: (frame: string) => void,
  ) {
    super();
  }

  get columns(): number {
    return this.real.columns || 80;
  }

  get rows(): number {
    return this.real.rows || 24;
  }

  write(data: string | Uint8Array, ...rest: unknown[]): boolean {
    this.onFrame(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }
}

export class DiffScreen {
  /** Give this to Ink's render() as `stdout`, with `debug: true`. */
  readonly inkStdout: NodeJS.WriteStream;
  private shown: string[] = [];
  private pending: string | undefined;
  private lastWriteAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private repaint = true;
  private started = false;
  private bytes = 0;
  /** Until when the next frame is a key's (written at once). */
  private urgentUntil = 0;
  private readonly minIntervalMs: number;
  private readonly alternate: boolean;
  private readonly onResize = () => {
    this.repaint = true;
    this.inkStdout.emit('resize');
  };

  constructor(
    private readonly out: NodeJS.WriteStream,
    options: ScreenOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.alternate = options.alternateScreen ?? true;
    this.inkStdout = new InkStdout(out, (frame) => this.frame(frame)) as unknown as NodeJS.WriteStream;
  }

  /** Bytes written to the terminal so far (for measurements). */
  get bytesWritten(): number {
    return this.bytes;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.emit(`${this.alternate ? ENTER_ALTERNATE_SCREEN : ''}${HIDE_CURSOR}${CLEAR_SCREEN}`);
    this.out.on('resize', this.onResize);
  }

  /** Writes the last frame now, and gives the terminal back (cursor shown, normal screen). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.out.off('resize', this.onResize);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.emit(`${RESET}${SHOW_CURSOR}${this.alternate ? LEAVE_ALTERNATE_SCREEN : ''}`);
  }

  /**
   * Writes a control sequence that draws nothing (OSC 52, the clipboard) straight to the
   * terminal, between two updates.
   */
  passThrough(sequence: string): void {
    if (this.started) this.emit(sequence);
  }

  /** A key was pressed: the frame it causes (the next one, if it comes soon) is written at once. */
  keyPressed(): void {
    this.urgentUntil = Date.now() + URGENT_WINDOW_MS;
  }

  private frame(frame: string): void {
    if (!this.started) return;
    this.pending = frame;
    if (Date.now() <= this.urgentUntil) {
      this.urgentUntil = 0;
      if (this.timer) clearTimeout(this.timer);
      this.flush();
      return;
    }
    if (this.timer) return;
    const wait = this.lastWriteAt + this.minIntervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const frame = this.pending;
    this.pending = undefined;
    if (frame === undefined || !this.started) return;
    const rows = this.out.rows || 24;
    const lines = frame.replace(/\n$/, '').split('\n').slice(0, rows);
    let update = '';
    if (this.repaint) {
      update += CLEAR_SCREEN;
      this.shown = [];
      this.repaint = false;
    }
    const height = Math.max(lines.length, this.shown.length);
    for (let row = 0; row < height; row += 1) {
      const line = lines[row] ?? '';
      // A row already showing this text (a cleared row shows '') is left alone.
      if (line === (this.shown[row] ?? '')) continue;
      update += `${moveTo(row)}${line}${RESET}${ERASE_TO_END_OF_LINE}`;
    }
    this.shown = lines;
    if (update === '') return;
    this.lastWriteAt = Date.now();
    this.emit(`${BEGIN_UPDATE}${update}${END_UPDATE}`);
  }

  private emit(text: string): void {
    this.bytes += Buffer.byteLength(text);
    this.out.write(text);
  }
}
