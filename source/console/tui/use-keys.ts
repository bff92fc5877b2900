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
 * Without raw mode (stdin is not a terminal) nothing subscribes: Ink's useInput would throw.
 * Outside a KeysProvider (a component rendered on its own in a test), useKeys falls back to
 * Ink's useInput with a steady handler.
 */
import {useInput, useStdin, type Key} from 'ink';
import {createContext, createElement, useCallback, useContext, useLayoutEffect, useRef, type ReactNode} from 'react';

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

export function KeysProvider({children}: {children: ReactNode}) {
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
  const dispatch = useCallback((input: string, key: Key) => {
    for (const {handler} of handlers.current) if (handler.current(input, key) === true) return;
  }, []);
  useInput(dispatch, {isActive: isRawModeSupported === true});
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
  const steady = useCallback((input: string, key: Key) => {
    latest.current(input, key);
  }, []);
  useInput(steady, {isActive: router === null && active && isRawModeSupported === true});
}
