/**
 * useInput, gated and steady. Gated: Ink's useInput needs raw mode, which a stdin that is not
 * a terminal does not have (it would throw); without one the console shows its data and takes
 * no keys. Steady: Ink re-subscribes whenever the handler changes, and a key arriving between
 * the unsubscribe and the new subscribe would be lost, so the handler given to Ink never
 * changes and calls the latest one.
 */
import {useInput, useStdin, type Key} from 'ink';
import {useCallback, useRef} from 'react';

export function useKeys(handler: (input: string, key: Key) => void, active = true): void {
  const {isRawModeSupported} = useStdin();
  const latest = useRef(handler);
  latest.current = handler;
  const steady = useCallback((input: string, key: Key) => latest.current(input, key), []);
  useInput(steady, {isActive: active && isRawModeSupported === true});
}
