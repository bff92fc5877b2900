/**
 * `netunnel-tui --no-tui ...`: runs the scripted mode (source/console/scripted) with this
 * process's streams and signals, and exits with its code once stdout is flushed. The first
 * SIGINT/SIGTERM ends `open` and `watch` cleanly (and interrupts any other command); a
 * second one exits at once.
 */
import {runScripted} from '../console/scripted/run.js';
import {createCliLogger, exitWhenFlushed, onInterruptSignals} from './cli-support.js';

export async function runScriptedCli(argv: string[]): Promise<void> {
  const controller = new AbortController();
  onInterruptSignals(() => controller.abort());
  // A reader that went away (`... watch | head -1`) ends the command quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const code = await runScripted(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    signal: controller.signal,
    createLogger: createCliLogger,
  });
  exitWhenFlushed(code);
}
