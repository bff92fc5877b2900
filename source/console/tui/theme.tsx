/**
 * How the console draws: with or without colour (NO_COLOR, --no-color) and with or without
 * Unicode (--ascii). Components ask for colours through `tone`, which gives nothing at all
 * when colour is off, so that no colour escape code is ever written then.
 */
import {createContext, useContext, type ReactNode} from 'react';

export interface Theme {
  color: boolean;
  ascii: boolean;
}

export type Tone = 'ok' | 'warn' | 'error' | 'accent' | 'muted' | 'own';

const COLORS: Record<Tone, string> = {
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  accent: 'cyan',
  muted: 'gray',
  own: 'magenta',
};

export const DEFAULT_THEME: Theme = {color: true, ascii: false};

const ThemeContext = createContext<Theme>(DEFAULT_THEME);

export function ThemeProvider({theme, children}: {theme: Theme; children: ReactNode}) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** The `color` prop for a tone, or undefined when colour is off. */
export function tone(theme: Theme, which: Tone | undefined): string | undefined {
  return theme.color && which ? COLORS[which] : undefined;
}

export interface Glyphs {
  connected: string;
  reconnecting: string;
  down: string;
  connecting: string;
  own: string;
  /** Next to a server that anyone on its network may use (no auth plugin, not on loopback). */
  exposed: string;
  arrow: string;
  up: string;
  down_: string;
  selected: string;
  branch: string;
  lastBranch: string;
  separator: string;
  ellipsis: string;
}

const UNICODE: Glyphs = {
  connected: '●',
  reconnecting: '◐',
  down: '○',
  connecting: '◌',
  own: '★',
  exposed: '⚠',
  arrow: '→',
  up: '↑',
  down_: '↓',
  selected: '▶',
  branch: '├',
  lastBranch: '└',
  separator: '─',
  ellipsis: '…',
};

const ASCII: Glyphs = {
  connected: '*',
  reconnecting: '~',
  down: 'x',
  connecting: '.',
  own: '@',
  exposed: '!',
  arrow: '->',
  up: '^',
  down_: 'v',
  selected: '>',
  branch: '|',
  lastBranch: '`',
  separator: '-',
  ellipsis: '~',
};

export function glyphs(theme: Theme): Glyphs {
  return theme.ascii ? ASCII : UNICODE;
}
