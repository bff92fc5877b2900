/**
 * Runs the console's screen: Ink renders frames, the DiffScreen writes the rows that changed
 * on the alternate screen (at most 10 updates a second, nothing when nothing changed); Ink
 * neither exits on Ctrl-C nor touches the console; quitting closes the console's own tunnels
 * before the screen goes.
 */
import {render} from 'ink';
import type {ConsoleSession} from '../session.js';
import type {ConsoleSettings} from '../settings.js';
import {App} from './app.js';
import {terminalClipboard} from './clipboard.js';
import {DiffScreen, LEAVE_ALTERNATE_SCREEN} from './screen.js';
import {ThemeProvider, type Theme} from './theme.js';

export {LEAVE_ALTERNATE_SCREEN};

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
  /** Bytes written to the terminal so far. */
  bytesWritten(): number;
}

export function runTui(options: RunTuiOptions): RunningTui {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const screen = new DiffScreen(stdout, {
    alternateScreen: options.alternateScreen ?? stdout.isTTY === true,
    minIntervalMs: Math.ceil(1000 / (options.maxFps ?? 10)),
  });
  // Raw mode before the first byte of the screen: Ink would only enter it once its first frame
  // is drawn, and a key typed in between is echoed by the terminal onto that frame.
  const rawTerminal = stdin.isTTY === true;
  if (rawTerminal) stdin.setRawMode(true);
  screen.start();
  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let quitting = false;
  /** Closes the console's tunnels first, whatever ends the console, then gives the terminal back. */
  const shutdown = (unmount: boolean, finish: () => void) => {
    if (quitting) return;
    quitting = true;
    void options.session
      .close()
      .catch(() => {})
      .then(() => {
        if (!unmount) return;
        instance.unmount();
        return instance.waitUntilExit().catch(() => {});
      })
      .then(() => {
        screen.stop();
        if (rawTerminal) stdin.setRawMode(false);
        finish();
      });
  };
  const quit = () => shutdown(true, resolveDone);
  const instance = render(
    <ThemeProvider theme={options.theme}>
      <App
        session={options.session}
        {...(options.settings ? {settings: options.settings} : {})}
        onQuit={quit}
        onKey={() => screen.keyPressed()}
        clipboard={terminalClipboard((sequence) => screen.passThrough(sequence))}
      />
    </ThemeProvider>,
    {
      // Debug mode: Ink hands over every frame whole; the screen writes the rows that changed.
      stdout: screen.inkStdout,
      stdin,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  // A failure while rendering ends Ink: the console's tunnels are closed all the same, the
  // terminal is given back, and the failure goes to the caller (one line from the CLI).
  instance.waitUntilExit().catch((error: unknown) => shutdown(false, () => rejectDone(error)));
  return {done, quit, bytesWritten: () => screen.bytesWritten};
}
