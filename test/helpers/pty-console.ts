/**
 * netunnel-tui in a real pseudo-terminal (@lydell/node-pty: node-pty with prebuilt binaries,
 * so `npm ci` needs no compiler), its output rendered by a headless xterm, so that a test
 * reads the screen a user would see. CI=false for the child: with CI set, Ink writes only
 * the last frame and ignores resizes.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import {builtCommand} from './cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ConsoleInPty {
  /** The screen's lines, right-trimmed. */
  lines(): string[];
  /** Rows that continue the row above: a line that was too long for the terminal and wrapped. */
  wrappedRows(): number[];
  screen(): string;
  /** Every byte the console wrote so far. */
  output(): string;
  /** Bytes written so far (counted as they arrive). */
  bytesWritten(): number;
  /** Calls `listener` with each chunk the console writes, as it arrives; returns the unsubscribe. */
  onOutput(listener: (data: string) => void): () => void;
  write(keys: string): void;
  /** The terminal's line discipline now, as stty reads it: does it echo keys, does it wait for lines. */
  terminalMode(): {echo: boolean; canonical: boolean};
  resize(columns: number, rows: number): void;
  /**
   * Resolves with the screen once `test` holds, polling, and only between two updates (never
   * on a half-drawn one); fails after timeoutMs with the screen in the message.
   */
  waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number>;
  pid: number;
  /** The temporary --config-dir (removed by close). */
  configDir: string;
  /** Kills the console if still running, and removes its config dir. */
  close(): Promise<void>;
}

export interface StartOptions {
  columns?: number;
  rows?: number;
  env?: Record<string, string>;
  /** An existing settings dir instead of a fresh temporary one. */
  configDir?: string;
}

export function startConsoleInPty(args: string[], options: StartOptions = {}): ConsoleInPty {
  const columns = options.columns ?? 100;
  const rows = options.rows ?? 30;
  const configDir = options.configDir ?? mkdtempSync(join(tmpdir(), 'netunnel-tui-test-'));
  const ownsConfigDir = options.configDir === undefined;
  const terminal = new xterm.Terminal({cols: columns, rows, allowProposedApi: true, scrollback: 0});
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  Object.assign(env, {CI: 'false', TERM: 'xterm-256color', ...options.env});
  const child = pty.spawn(process.execPath, [builtCommand('netunnel-tui'), '--config-dir', configDir, ...args], {
    // node-pty sets TERM to this name: the one a test asks for.
    name: env.TERM ?? 'xterm-256color',
    cols: columns,
    rows,
    cwd: ROOT,
    env,
  });
  let raw = '';
  let bytes = 0;
  let pending = 0;
  const outputListeners = new Set<(data: string) => void>();
  child.onData((data) => {
    for (const listener of outputListeners) listener(data);
    raw += data;
    bytes += Buffer.byteLength(data);
    pending += 1;
    terminal.write(data, () => {
      pending -= 1;
    });
  });
  const exited = new Promise<number>((resolve) => child.onExit(({exitCode}) => resolve(exitCode)));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const lines = () => {
    const buffer = terminal.buffer.active;
    const result: string[] = [];
    for (let y = 0; y < terminal.rows; y += 1) result.push(buffer.getLine(y)?.translateToString(true) ?? '');
    return result;
  };
  const screen = () => lines().join('\n');
  // The console writes each update between these two (synchronized output). The pty may hand
  // an update over in several chunks: until its end has arrived, the screen is half drawn.
  const BEGIN_UPDATE = '\u001b[?2026h';
  const END_UPDATE = '\u001b[?2026l';
  const midUpdate = () => raw.lastIndexOf(BEGIN_UPDATE) > raw.lastIndexOf(END_UPDATE);
  return {
    lines,
    wrappedRows() {
      const buffer = terminal.buffer.active;
      const rowsWrapped: number[] = [];
      for (let y = 0; y < terminal.rows; y += 1) if (buffer.getLine(y)?.isWrapped) rowsWrapped.push(y);
      return rowsWrapped;
    },
    screen,
    output: () => raw,
    bytesWritten: () => bytes,
    onOutput(listener) {
      outputListeners.add(listener);
      return () => outputListeners.delete(listener);
    },
    write: (keys) => child.write(keys),
    terminalMode() {
      // node-pty's Unix terminal knows its device's name, but its typings do not say so.
      if (!('ptsName' in child) || typeof child.ptsName !== 'string') throw new Error('this pty has no device name');
      const settings = execFileSync('stty', ['-a', '-F', child.ptsName], {encoding: 'utf8'}).split(/\s+/);
      return {echo: settings.includes('echo'), canonical: settings.includes('icanon')};
    },
    resize(newColumns, newRows) {
      terminal.resize(newColumns, newRows);
      child.resize(newColumns, newRows);
    },
    async waitFor(test, timeoutMs = 15_000) {
      const check = typeof test === 'function' ? test : (text: string) => test.test(text);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (pending === 0 && !midUpdate()) {
          const text = screen();
          if (check(text)) return text;
        }
        if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${String(test)}; the screen:\n${screen()}`);
        if (!running && pending === 0 && Date.now() > deadline - timeoutMs + 200) {
          const text = screen();
          if (check(text)) return text;
          throw new Error(`The console exited while waiting for ${String(test)}; the screen:\n${text}\nits output:\n${raw.slice(-2000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    },
    exited,
    pid: child.pid,
    configDir,
    async close() {
      if (running) {
        child.kill('SIGKILL');
        await exited;
      }
      terminal.dispose();
      if (ownsConfigDir) rmSync(configDir, {recursive: true, force: true});
    },
  };
}

/** Types text one key at a time, each time waiting until the field shows what was typed so far. */
export async function typeInto(console: ConsoleInPty, label: string, text: string): Promise<void> {
  for (let index = 1; index <= text.length; index += 1) {
    console.write(text[index - 1]!);
    const typed = text.slice(0, index).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    await console.waitFor(new RegExp(`> ${label} +${typed}`));
  }
}

/** By keys only: `n`, forward, the default exit address, `exitPort` typed; not yet submitted. */
export async function fillForwardTunnelForm(console: ConsoleInPty, exitPort: number): Promise<void> {
  console.write('n');
  await console.waitFor(/> Direction +forward +reverse/);
  console.write('\t');
  await console.waitFor(/> Exit address/);
  console.write('\t');
  await console.waitFor(/> Exit port/);
  await typeInto(console, 'Exit port', String(exitPort));
}
