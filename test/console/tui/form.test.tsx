/** Forms validate as the user types, submit typed values, and show a refusal verbatim; confirmations ask first. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ServerRefusedError} from '../../../source/client/client-errors.js';
import {Confirm} from '../../../source/console/tui/confirm.js';
import {Form, type FormSpec, type FormValues} from '../../../source/console/tui/form.js';
import type {StatusMessage} from '../../../source/console/tui/chrome.js';
import {ipv4Error, portError} from '../../../source/console/validate.js';
import {KEYS, press, renderThemed, waitForFrame} from '../../helpers/ink.js';

function tunnelLikeSpec(submit: (values: FormValues) => Promise<StatusMessage>): FormSpec {
  return {
    title: 'New tunnel',
    fields: [
      {name: 'direction', label: 'Direction', kind: 'choice', choices: ['forward', 'reverse']},
      {name: 'address', label: 'Exit address', initial: '127.0.0.1', check: (text) => ipv4Error(text)},
      {name: 'port', label: 'Exit port', check: (text) => portError(text)},
      {name: 'secret', label: 'Secret', kind: 'password', visible: (values) => values.direction === 'reverse'},
    ],
    submit,
  };
}

describe('Form', () => {
  it('validates as you type, refuses to submit invalid values, and submits typed ones', async () => {
    const submitted: FormValues[] = [];
    const done: StatusMessage[] = [];
    const instance = renderThemed(
      <Form
        spec={tunnelLikeSpec(async (values) => {
          submitted.push(values);
          return {text: 'opened', tone: 'ok'};
        })}
        width={80}
        height={12}
        onDone={(message) => done.push(message)}
        onCancel={() => assert.fail('not cancelled')}
      />,
    );
    try {
      await waitForFrame(instance, /> Direction +forward +reverse/);
      assert.doesNotMatch(instance.lastFrame()!, /Secret/, 'hidden until reverse');
      await press(instance, KEYS.enter, /> Exit port +✗ required/);
      assert.equal(submitted.length, 0);
      await press(instance, 'x', /> Exit port +x +✗ must be a number from 1 to 65535/);
      await press(instance, KEYS.backspace, (frame) => !frame.includes('must be a number'));
      await press(instance, '7', /Exit port +7/);
      await press(instance, '0', /Exit port +70/);
      await press(instance, '0', /Exit port +700/);
      await press(instance, KEYS.up, /> Exit address/);
      await press(instance, KEYS.backspace, /> Exit address +127\.0\.0\. +✗ must be an IPv4 address, like 127\.0\.0\.1/);
      await press(instance, '9', /> Exit address +127\.0\.0\.9 *$/m);
      await press(instance, KEYS.shiftTab, /> Direction/);
      await press(instance, KEYS.right, /Secret/);
      await press(instance, KEYS.enter, /opened|Working/);
      await waitForFrame(instance, () => done.length === 1);
      assert.deepEqual(submitted, [{direction: 'reverse', address: '127.0.0.9', port: '700', secret: ''}]);
      assert.deepEqual(done, [{text: 'opened', tone: 'ok'}]);
    } finally {
      instance.unmount();
    }
  });

  it("shows the server's refusal verbatim and stays open; Esc cancels", async () => {
    let cancelled = false;
    const instance = renderThemed(
      <Form
        spec={tunnelLikeSpec(async () => {
          throw new ServerRefusedError(403, 'Port 127.0.0.1:700 is not allowed as a tunnel destination');
        })}
        width={80}
        height={12}
        onDone={() => assert.fail('refused')}
        onCancel={() => (cancelled = true)}
      />,
    );
    try {
      await press(instance, KEYS.tab, /> Exit address/);
      await press(instance, KEYS.tab, /> Exit port/);
      await press(instance, '7', /Exit port +7/);
      await press(instance, KEYS.enter, /The server refused: Port 127\.0\.0\.1:700 is not allowed as a tunnel destination/);
      assert.match(instance.lastFrame()!, /Exit port +7/, 'the form keeps its values');
      instance.stdin.write(KEYS.escape);
      await waitForFrame(instance, () => cancelled);
    } finally {
      instance.unmount();
    }
  });

  it('never draws more lines than it is given', async () => {
    const instance = renderThemed(<Form spec={tunnelLikeSpec(async () => ({text: '', tone: 'ok'}))} width={40} height={4} onDone={() => {}} onCancel={() => {}} />);
    try {
      const frame = await waitForFrame(instance, /New tunnel/);
      assert.equal(frame.split('\n').length, 4);
    } finally {
      instance.unmount();
    }
  });
});

describe('Confirm', () => {
  it('runs the action on y, shows a refusal, and cancels on n', async () => {
    let runs = 0;
    let cancelled = false;
    const instance = renderThemed(
      <Confirm
        spec={{
          title: 'Tear down tunnel 1/2?',
          lines: ['forward 127.0.0.1:5000 -> 127.0.0.1:22'],
          async run() {
            runs += 1;
            throw new ServerRefusedError(404, 'tunnel_id `2` does not exists');
          },
        }}
        height={8}
        onDone={() => assert.fail('refused')}
        onCancel={() => (cancelled = true)}
      />,
    );
    try {
      await waitForFrame(instance, /Tear down tunnel 1\/2\?\n\n {2}forward 127\.0\.0\.1:5000 -> 127\.0\.0\.1:22\n\ny: yes, do it +n or Esc: no/);
      await press(instance, 'y', /The server refused: tunnel_id `2` does not exists/);
      assert.equal(runs, 1);
      instance.stdin.write('n');
      await waitForFrame(instance, () => cancelled);
    } finally {
      instance.unmount();
    }
  });
});
