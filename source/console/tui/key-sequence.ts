/**
 * One read from the terminal may hold several keys: a held key repeats faster than the
 * console reads (`jjj`), tmux and SSH deliver typed keys in bursts, a paste is one read.
 * Ink 6 splits off escape sequences (arrows, Shift-Tab...) but hands a run of plain
 * characters over as one `input` (`jjj`, `\t\t`, three DELs), which no binding matches. This
 * splits such a run into its keys, each described as Ink describes that key read alone.
 */
import type {Key} from 'ink';

export interface KeyPress {
  input: string;
  key: Key;
}

const segmenter = new Intl.Segmenter();

function plainKey(): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
  };
}

/** One character as Ink's useInput reports it when it arrives alone (parse-keypress's rules). */
export function keyPressOf(character: string): KeyPress {
  const key = plainKey();
  switch (character) {
    case '\r':
      return {input: '\r', key: {...key, return: true}};
    case '\t':
      return {input: '', key: {...key, tab: true}};
    case '\b':
      return {input: '', key: {...key, backspace: true}};
    case '\u007f':
      // What the Backspace key sends on most terminals; Ink calls it delete.
      return {input: '', key: {...key, delete: true}};
    case '\n':
    case ' ':
      return {input: character, key};
    default:
      break;
  }
  if (character.length === 1 && character <= '\u001a') {
    return {input: String.fromCharCode(character.charCodeAt(0) + 96), key: {...key, ctrl: true}};
  }
  return {input: character, key: {...key, shift: /^[A-Z]$/.test(character)}};
}

/** True when Ink recognised the read as one named key (an arrow, Tab, Enter...), not as text. */
function isNamedKey(key: Key): boolean {
  return (
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.pageDown ||
    key.pageUp ||
    key.home ||
    key.end ||
    key.return ||
    key.escape ||
    key.tab ||
    key.backspace ||
    key.delete ||
    key.ctrl ||
    key.meta
  );
}

/** The keys of one read, in order: a single key as Ink gave it, a run of characters one by one. */
export function splitKeys(input: string, key: Key): KeyPress[] {
  if (isNamedKey(key) || input.length <= 1) return [{input, key}];
  // A pasted line break (CR LF) is one grapheme but two keys.
  const graphemes = [...segmenter.segment(input)].flatMap(({segment}) => (segment === '\r\n' ? ['\r', '\n'] : [segment]));
  if (graphemes.length === 1) return [{input, key}];
  return graphemes.map(keyPressOf);
}
