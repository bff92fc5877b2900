/**
 * useInput, gated: Ink's useInput needs raw mode, which a stdin that is not a terminal does
 * not have (it would throw). Without one, the console shows its data and takes no keys.
 */
import {useInput, useStdin, type Key} from 'ink';

export function useKeys(handler: (input: string, key: Key) => void, active = true): void {
  const {isRawModeSupported} = useStdin();
  useInput(handler, {isActive: active && isRawModeSupported === true});
}
