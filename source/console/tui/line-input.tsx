/**
 * A one-line text field over the console's key router (use-keys.ts): controlled (the form
 * owns the value, so a field keeps it when focus comes back), masked for passwords, with a
 * cursor (←/→, Home/End, Backspace/Delete, Ctrl-U clears). @inkjs/ui's TextInput is not used
 * for this: it subscribes to keys only after its first frame is on screen, so the first key
 * typed into a field just focused could be lost, and it cannot be given its value back.
 */
import {Text} from 'ink';
import {useState} from 'react';
import {tone, useTheme} from './theme.js';
import {KEY_PRIORITY, useKeys} from './use-keys.js';

export interface LineInputProps {
  value: string;
  onChange(value: string): void;
  /** Takes keys only while focused. */
  focused: boolean;
  placeholder?: string;
  /** Shows `*` for each character. */
  mask?: boolean;
}

/** Keys a line input leaves to its form. */
function isNavigation(input: string, key: {tab: boolean; upArrow: boolean; downArrow: boolean; return: boolean; escape: boolean; ctrl: boolean}): boolean {
  return key.tab || key.upArrow || key.downArrow || key.return || key.escape || (key.ctrl && input === 'c');
}

export function LineInput({value, onChange, focused, placeholder = '', mask = false}: LineInputProps) {
  const theme = useTheme();
  const [cursor, setCursor] = useState(value.length);
  const at = Math.min(cursor, value.length);
  useKeys(
    (input, key) => {
      if (isNavigation(input, key)) return false;
      if (key.leftArrow) setCursor(Math.max(0, at - 1));
      else if (key.rightArrow) setCursor(Math.min(value.length, at + 1));
      else if (key.home || (key.ctrl && input === 'a')) setCursor(0);
      else if (key.end || (key.ctrl && input === 'e')) setCursor(value.length);
      else if (key.ctrl && input === 'u') {
        onChange('');
        setCursor(0);
      } else if (key.backspace || key.delete) {
        // Terminals send DEL (0x7f) for the Backspace key, which Ink reports as delete.
        if (at === 0) return true;
        onChange(value.slice(0, at - 1) + value.slice(at));
        setCursor(at - 1);
      } else if (!key.ctrl && !key.meta && input !== '') {
        const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
        if (text === '') return true;
        onChange(value.slice(0, at) + text + value.slice(at));
        setCursor(at + text.length);
      }
      // Every key but the navigation ones is the field's, even one it ignores.
      return true;
    },
    {active: focused, priority: KEY_PRIORITY.input},
  );

  const shown = mask ? '*'.repeat(value.length) : value;
  if (!focused) {
    return shown === '' ? <Text color={tone(theme, 'muted')}>{placeholder}</Text> : <Text>{shown}</Text>;
  }
  if (shown === '') {
    return (
      <Text>
        <Text inverse>{placeholder === '' ? ' ' : placeholder[0]}</Text>
        <Text color={tone(theme, 'muted')}>{placeholder.slice(1)}</Text>
      </Text>
    );
  }
  return (
    <Text>
      {shown.slice(0, at)}
      <Text inverse>{at < shown.length ? shown[at] : ' '}</Text>
      {shown.slice(at + 1)}
    </Text>
  );
}
