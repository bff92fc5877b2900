/**
 * Key handling without lost keys. Ink's useInput subscribes in a passive effect, which runs
 * after the frame is already on screen, and re-subscribes whenever its handler or isActive
 * changes; when the last active hook goes, Ink even leaves raw mode (the terminal echoes)
 * and drops a half-read Escape. A key typed in such a gap is lost: Esc right after `?`
 * would not close the help.
 *
 * So the console has one input subscription for its whole life (KeysProvider), and each
 * useKeys registers its handler in a layout effect, which runs in the same task as the
 * commit that draws it: a key can only arrive once every handler on screen is listening.
 *
 * Keys are routed by priority: a focused text field first, then the open modal view (form,
 * confirmation, help, details, filter), then the panes; a handler that returns true has
 * taken the key and those below do not see it (Ctrl-C, global, comes before all).
 *
 * Every key of a read acts, in order (key-sequence.ts splits a read into keys). Each key after
 * the first waits until React has committed what the one before changed: handlers read the
 * state they were rendered with, so `jjj` dispatched at once would move the selection once.
 *
 * Without raw mode (stdin is not a terminal) nothing subscribes: Ink's useInput would throw.
 * Outside a KeysProvider (a component rendered on its own in a test), useKeys falls back to
 * Ink's useInput with a steady handler, keys split the same way.
 */
import {useInput, useStdin, type Key} from 'ink';
import {createContext, createElement, useCallback, useContext, useLayoutEffect, useRef, useState, type ReactNode} from 'react';
import {splitKeys, type KeyPress} from './key-sequence.js';

/** Returns true when it took the key (handlers of lower priority then do not see it). */
export type KeyHandler = (input: string, key: Key) => boolean | void;

export const KEY_PRIORITY = {panes: 0, modal: 1, input: 2, global: 3} as const;

export type KeyPriority = (typeof KEY_PRIORITY)[keyof typeof KEY_PRIORITY];

interface Registered {
  handler: {current: KeyHandler};
  priority: KeyPriority;
}

interface Router {
  add(registered: Registered): () => void;
}

const RouterContext = createContext<Router | null>(null);

/**
 * A handler of single keys that takes whole reads: each read is split into its keys, the first
 * dispatched at once (unless one before it is still being rendered), each next one once React
 * has committed what the one before changed. A
 * state update of its own marks the key's render (React commits it with the key's changes,
 * whenever it gets to them: a microtask, or after pending effects); its layout effect lets the
 * next key go, in a microtask so that a long paste is not a chain of nested updates.
 */
function useKeyQueue(dispatch: (press: KeyPress) => void): (input: string, key: Key) => void {
  const queue = useRef<KeyPress[]>([]);
  const busy = useRef(false);
  const latest = useRef(dispatch);
  latest.current = dispatch;
  const [committed, markKey] = useState(0);
  const next = useCallback(() => {
    const press = queue.current.shift();
    if (!press) {
      busy.current = false;
      return;
    }
    latest.current(press);
    // Even with no key waiting: another read may come before React gets to this one's changes.
    markKey((count) => count + 1);
  }, []);
  useLayoutEffect(() => {
    if (committed > 0 && busy.current) queueMicrotask(next);
  }, [committed, next]);
  return useCallback(
    (input: string, key: Key) => {
      queue.current.push(...splitKeys(input, key));
      if (busy.current) return;
      busy.current = true;
      next();
    },
    [next],
  );
}

export interface KeysProviderProps {
  children: ReactNode;
  /** Called before each key is dispatched (the screen then draws the frame it causes without waiting). */
  onKey?: () => void;
}

export function KeysProvider({children, onKey}: KeysProviderProps) {
  const {isRawModeSupported} = useStdin();
  const handlers = useRef<Registered[]>([]);
  const router = useRef<Router>({
    add(registered) {
      // Highest priority first; among equals, in the order they came (a stable sort).
      handlers.current = [...handlers.current, registered].sort((a, b) => b.priority - a.priority);
      return () => {
        handlers.current = handlers.current.filter((candidate) => candidate !== registered);
      };
    },
  });
  const receive = useKeyQueue(({input, key}) => {
    onKey?.();
    for (const {handler} of handlers.current) if (handler.current(input, key) === true) return;
  });
  useInput(receive, {isActive: isRawModeSupported === true});
  return createElement(RouterContext.Provider, {value: router.current}, children);
}

export interface KeysOptions {
  /** Listens only while true (default true). */
  active?: boolean;
  /** Default: the panes' (lowest). */
  priority?: KeyPriority;
}

export function useKeys(handler: KeyHandler, {active = true, priority = KEY_PRIORITY.panes}: KeysOptions = {}): void {
  const router = useContext(RouterContext);
  const {isRawModeSupported} = useStdin();
  const latest = useRef(handler);
  latest.current = handler;
  useLayoutEffect(() => {
    if (!router || !active) return;
    return router.add({handler: latest, priority});
  }, [router, active, priority]);
  const alone = useKeyQueue(({input, key}) => void latest.current(input, key));
  useInput(alone, {isActive: router === null && active && isRawModeSupported === true});
}
