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
 * Every active handler gets every key, as with Ink's own hooks.
 *
 * Without raw mode (stdin is not a terminal) nothing subscribes: Ink's useInput would throw.
 * Outside a KeysProvider (a component rendered on its own in a test), useKeys falls back to
 * Ink's useInput with a steady handler.
 */
import {useInput, useStdin, type Key} from 'ink';
import {createContext, createElement, useCallback, useContext, useLayoutEffect, useRef, type ReactNode} from 'react';

type Handler = (input: string, key: Key) => void;

interface Router {
  add(handler: {current: Handler}): () => void;
}

const RouterContext = createContext<Router | null>(null);

export function KeysProvider({children}: {children: ReactNode}) {
  const {isRawModeSupported} = useStdin();
  const handlers = useRef<Array<{current: Handler}>>([]);
  const router = useRef<Router>({
    add(handler) {
      handlers.current = [...handlers.current, handler];
      return () => {
        handlers.current = handlers.current.filter((candidate) => candidate !== handler);
      };
    },
  });
  const dispatch = useCallback((input: string, key: Key) => {
    for (const handler of handlers.current) handler.current(input, key);
  }, []);
  useInput(dispatch, {isActive: isRawModeSupported === true});
  return createElement(RouterContext.Provider, {value: router.current}, children);
}

export function useKeys(handler: Handler, active = true): void {
  const router = useContext(RouterContext);
  const {isRawModeSupported} = useStdin();
  const latest = useRef(handler);
  latest.current = handler;
  useLayoutEffect(() => {
    if (!router || !active) return;
    return router.add(latest);
  }, [router, active]);
  const steady = useCallback((input: string, key: Key) => latest.current(input, key), []);
  useInput(steady, {isActive: router === null && active && isRawModeSupported === true});
}
