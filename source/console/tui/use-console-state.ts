/**
 * The store's state for React, throttled: however many changes arrive, the screen is
 * rendered at most once per `intervalMs` (about 10 times a second), and not at all when
 * nothing changed.
 */
import {useEffect, useState} from 'react';
import type {ConsoleState, ConsoleStore} from '../store.js';

export function useConsoleState(store: ConsoleStore, intervalMs = 100): ConsoleState {
  const [state, setState] = useState(store.getState);
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let last = 0;
    const flush = () => {
      timer = undefined;
      last = Date.now();
      setState(store.getState());
    };
    const unsubscribe = store.subscribe(() => {
      if (timer) return;
      timer = setTimeout(flush, Math.max(0, last + intervalMs - Date.now()));
    });
    setState(store.getState());
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, intervalMs]);
  return state;
}

/** The terminal's size, following resizes. */
export function useTerminalSize(stdout: NodeJS.WriteStream, fixed?: {columns: number; rows: number}): {columns: number; rows: number} {
  const read = () => fixed ?? {columns: stdout.columns || 80, rows: stdout.rows || 24};
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, fixed?.columns, fixed?.rows]);
  return fixed ?? size;
}
