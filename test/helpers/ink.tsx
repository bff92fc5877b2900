/** ink-testing-library helpers: wait for frames instead of sleeping, press keys, check frame sizes. */
import type {ReactElement} from 'react';
import {render} from 'ink-testing-library';
import {ThemeProvider, type Theme} from '../../source/console/tui/theme.js';
import {displayWidth} from '../../source/console/display-width.js';

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  tab: '\t',
  shiftTab: '\u001B[Z',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

export type Rendered = ReturnType<typeof render>;

export function renderThemed(element: ReactElement, theme: Theme = {color: true, ascii: false}): Rendered {
  return render(<ThemeProvider theme={theme}>{element}</ThemeProvider>);
}

/** The last frame without colour codes. */
export function plain(frame: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (frame ?? '').replace(/\u001B\[[0-9;]*m/g, '');
}

/**
 * Lets React finish what the last frame started: a frame is written during the commit, and
 * the effects that subscribe input handlers run in the scheduler's next tasks (setImmediate).
 */
async function settle(): Promise<void> {
  for (let round = 0; round < 3; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

export async function waitForFrame(instance: Rendered, test: RegExp | ((frame: string) => boolean), timeoutMs = 3000): Promise<string> {
  const check = typeof test === 'function' ? test : (frame: string) => test.test(frame);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = plain(instance.lastFrame());
    if (check(frame)) {
      await settle();
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(test)}; the last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Writes keys and waits until the frame shows `expected`. */
export async function press(instance: Rendered, keys: string, expected: RegExp | ((frame: string) => boolean)): Promise<string> {
  instance.stdin.write(keys);
  return waitForFrame(instance, expected);
}

/** Display width of a line in terminal columns (a CJK character or an emoji takes two). */
export function widthOf(line: string): number {
  return displayWidth(line);
}
