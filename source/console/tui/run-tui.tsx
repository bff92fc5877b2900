/**
 * Runs the console's screen: the alternate screen, Ink with the settings that make it cheap
 * and safe over SSH (at most 10 frames a second, nothing written when a frame is unchanged,
 * no Ctrl-C exit of its own, console untouched), and an orderly quit that closes the console's own
 * tunnels before the screen goes.
 */
import {render} from 'ink';
import type {ConsoleSession} from '../session.js';
import type {ConsoleSettings} from '../settings.js';
import {App} from './app.js';
import {ThemeProvider, type Theme} from './theme.js';

export const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h';
export const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';

export interface RunTuiOptions {
  session: ConsoleSession;
  settings?: ConsoleSettings;
  theme: Theme;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Default: when stdout is a terminal. */
  alternateScreen?: boolean;
  /** Frames per second at most (default 10). */
  maxFps?: number;
}

export interface RunningTui {
  /** Resolves once the console's own tunnels are closed and the screen is restored. */
  done: Promise<void>;
  /** Quits as `q` does (for SIGTERM / SIGHUP). */
  quit(): void;
}

export function runTui(options: RunTuiOptions): RunningTui {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const alternate = options.alternateScreen ?? stdout.isTTY === true;
  if (alternate) stdout.write(ENTER_ALTERNATE_SCREEN);
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let quitting = false;
  const quit = () => {
    if (quitting) return;
    quitting = true;
    void options.session
      .close()
      .catch(() => {})
      .then(() => {
        instance.unmount();
        return instance.waitUntilExit().catch(() => {});
      })
      .then(() => {
        if (alternate) stdout.write(LEAVE_ALTERNATE_SCREEN);
        resolveDone();
      });
  };
  const instance = render(
    <ThemeProvider theme={options.theme}>
      <App session={options.session} {...(options.settings ? {settings: options.settings} : {})} onQuit={quit} />
    </ThemeProvider>,
    {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: options.maxFps ?? 10,
    },
  );
  return {done, quit};
}
