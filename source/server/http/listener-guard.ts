/**
 * ws calls its event listeners ('message', 'ping', 'close'...) from inside the socket's 'data'
 * handling: a listener that throws there is an uncaught exception, and the process ends. An
 * 'error' emitted with no listener throws the same way. Guarding one emitter's emit confines
 * such a failure to that emitter: `onThrow` hears of it (and, say, closes that websocket).
 */
import type {EventEmitter} from 'node:events';

export function guardListeners(emitter: EventEmitter, onThrow: (error: unknown, event: string | symbol) => void): void {
  const emit = emitter.emit.bind(emitter);
  Object.defineProperty(emitter, 'emit', {
    configurable: true,
    writable: true,
    // `arguments` passed on as it is: a rest parameter would gather an array on every frame.
    value: function guardedEmit(event: string | symbol): boolean {
      try {
        return Reflect.apply(emit, undefined, arguments);
      } catch (error) {
        onThrow(error, event);
        return true;
      }
    },
  });
}
