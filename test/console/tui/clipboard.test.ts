/** Copying through the terminal: the exact OSC 52 bytes. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {osc52, terminalClipboard} from '../../../source/console/tui/clipboard.js';

describe('clipboard (OSC 52)', () => {
  it('writes ESC ] 52 ; c ; base64 of the UTF-8 text, BEL', () => {
    // base64('127.0.0.1:4022') = MTI3LjAuMC4xOjQwMjI=
    assert.equal(osc52('127.0.0.1:4022'), '\u001b]52;c;MTI3LjAuMC4xOjQwMjI=\u0007');
    assert.deepEqual([...Buffer.from(osc52('ssh -p 4022 127.0.0.1'), 'utf8')], [
      0x1b, 0x5d, 0x35, 0x32, 0x3b, 0x63, 0x3b, ...Buffer.from('c3NoIC1wIDQwMjIgMTI3LjAuMC4x', 'ascii'), 0x07,
    ]);
    // Not Latin-1: the bytes of é are C3 A9.
    assert.equal(osc52('é'), '\u001b]52;c;w6k=\u0007');
    assert.equal(osc52(''), '\u001b]52;c;\u0007');
  });

  it('terminalClipboard writes one sequence per copy through the given write', () => {
    const written: string[] = [];
    const clipboard = terminalClipboard((sequence) => written.push(sequence));
    clipboard.copy('a');
    clipboard.copy('[::1]:80');
    assert.deepEqual(written, ['\u001b]52;c;YQ==\u0007', '\u001b]52;c;Wzo6MV06ODA=\u0007']);
  });
});
