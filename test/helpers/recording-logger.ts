/** A Logger that keeps what it is told, by level, for tests that assert what was logged. */
import type {Logger} from '../../source/engine/logger.js';

export interface RecordingLogger extends Logger {
  lines: Record<'debug' | 'info' | 'warn' | 'error', string[]>;
}

export function recordingLogger(): RecordingLogger {
  const lines = {debug: [] as string[], info: [] as string[], warn: [] as string[], error: [] as string[]};
  return {
    lines,
    debug: (line) => void lines.debug.push(line),
    info: (line) => void lines.info.push(line),
    warn: (line) => void lines.warn.push(line),
    error: (line) => void lines.error.push(line),
  };
}
