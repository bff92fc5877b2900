/**
 * Copying to the user's clipboard through the terminal: OSC 52 (`ESC ] 52 ; c ; <base64> BEL`),
 * which the terminal itself acts on, so it works on the user's machine over SSH too (and in
 * tmux with `set -g set-clipboard on`). Nothing is read back: a terminal that ignores it
 * ignores it silently.
 */

export interface Clipboard {
  copy(text: string): void;
}

/** The OSC 52 sequence that puts `text` (UTF-8) in the clipboard selection `c`. */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** A clipboard that writes the sequence through `write` (the screen's pass-through to the terminal). */
export function terminalClipboard(write: (sequence: string) => void): Clipboard {
  return {copy: (text) => write(osc52(text))};
}
