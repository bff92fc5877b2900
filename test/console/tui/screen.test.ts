/** The screen writer: only changed rows are written, at most so often, and a resize repaints. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {DiffScreen} from '../../../source/console/tui/screen.js';

class FakeTerminal extends EventEmitter {
  isTTY = true;
  columns = 40;
  rows = 5;
  readonly writes: string[] = [];
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
  take(): string {
    return this.writes.splice(0).join('');
  }
}

function setup(minIntervalMs = 0) {
  const terminal = new FakeTerminal();
  const screen = new DiffScreen(terminal as unknown as NodeJS.WriteStream, {minIntervalMs});
  return {terminal, screen, ink: screen.inkStdout};
}

describe('DiffScreen', () => {
  it('enters the alternate screen, writes a frame, then only the rows that changed, and gives the terminal back', () => {
    const {terminal, screen, ink} = setup();
    screen.start();
    assert.equal(terminal.take(), '\u001b[?1049h\u001b[?25l\u001b[2J');
    ink.write('one\ntwo\nthree');
    assert.equal(terminal.take(), '\u001b[?2026h\u001b[2J\u001b[1;1Hone\u001b[0m\u001b[K\u001b[2;1Htwo\u001b[0m\u001b[K\u001b[3;1Hthree\u001b[0m\u001b[K\u001b[?2026l');
    ink.write('one\ntwo\nthree');
    assert.equal(terminal.take(), '', 'an unchanged frame writes nothing');
    ink.write('one\n2\nthree');
    assert.equal(terminal.take(), '\u001b[?2026h\u001b[2;1H2\u001b[0m\u001b[K\u001b[?2026l');
    ink.write('one');
    assert.equal(terminal.take(), '\u001b[?2026h\u001b[2;1H\u001b[0m\u001b[K\u001b[3;1H\u001b[0m\u001b[K\u001b[?2026l', 'rows no longer drawn are cleared');
    ink.write('a\nb\nc\nd\ne\nf\ng');
    assert.doesNotMatch(terminal.take(), /\u001b\[6;1H/, 'never below the last row');
    assert.equal(screen.bytesWritten > 0, true);
    screen.stop();
    assert.equal(terminal.take(), '\u001b[0m\u001b[?25h\u001b[?1049l');
    ink.write('late');
    assert.equal(terminal.take(), '', 'nothing after stop');
  });

  it('writes at most once per interval, the latest frame', (t) => {
    t.mock.timers.enable({apis: ['setTimeout', 'Date'], now: 1_000_000});
    const {terminal, screen, ink} = setup(100);
    screen.start();
    terminal.take();
    ink.write('a');
    assert.match(terminal.take(), /1;1Ha/, 'the first frame at once (a key press shows without delay)');
    t.mock.timers.tick(30);
    ink.write('b');
    ink.write('c');
    assert.equal(terminal.take(), '');
    t.mock.timers.tick(69);
    assert.equal(terminal.take(), '', 'not before the interval is over');
    t.mock.timers.tick(1);
    const written = terminal.take();
    assert.match(written, /1;1Hc/);
    assert.doesNotMatch(written, /1;1Hb/);
    t.mock.timers.tick(500);
    ink.write('d');
    assert.match(terminal.take(), /1;1Hd/, 'at once again after a quiet interval');
    screen.stop();
  });

  it("writes the frame a key caused at once, even within the interval of a traffic update", (t) => {
    t.mock.timers.enable({apis: ['setTimeout', 'Date'], now: 1_000_000});
    const {terminal, screen, ink} = setup(100);
    screen.start();
    ink.write('traffic 1');
    terminal.take();
    t.mock.timers.tick(10);
    ink.write('traffic 2');
    assert.equal(terminal.take(), '', 'a traffic update waits for the interval');
    screen.keyPressed();
    ink.write('selection moved');
    assert.match(terminal.take(), /1;1Hselection moved/, 'the key frame (with what was pending) at once');
    t.mock.timers.tick(10);
    ink.write('traffic 3');
    assert.equal(terminal.take(), '', 'one frame per key: the next traffic update waits again');
    t.mock.timers.tick(100);
    assert.match(terminal.take(), /1;1Htraffic 3/);
    screen.stop();
  });

  it("tells Ink of a resize with the terminal's new size, and repaints the next frame whole", () => {
    const {terminal, screen, ink} = setup();
    screen.start();
    ink.write('x\ny');
    terminal.take();
    let told = 0;
    ink.on('resize', () => (told += 1));
    terminal.columns = 100;
    terminal.rows = 9;
    terminal.emit('resize');
    assert.equal(told, 1);
    assert.equal(ink.columns, 100);
    assert.equal(ink.rows, 9);
    ink.write('x\ny');
    assert.equal(terminal.take(), '\u001b[?2026h\u001b[2J\u001b[1;1Hx\u001b[0m\u001b[K\u001b[2;1Hy\u001b[0m\u001b[K\u001b[?2026l');
    screen.stop();
  });
});
