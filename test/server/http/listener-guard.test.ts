import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {guardListeners} from '../../../source/server/http/listener-guard.js';

test('a throwing listener, or an error nobody listens to, is handed to onThrow instead of thrown', () => {
  const emitter = new EventEmitter();
  const caught: Array<[string, string | symbol]> = [];
  guardListeners(emitter, (error, event) => caught.push([(error as Error).message, event]));
  const heard: string[] = [];
  emitter.on('data', () => {
    throw new Error('listener bug');
  });
  emitter.on('other', (value: string) => heard.push(value));
  assert.equal(emitter.emit('data'), true);
  assert.equal(emitter.emit('other', 'fine'), true);
  assert.equal(emitter.emit('nobody'), false);
  emitter.emit('error', new Error('unheard error'));
  assert.deepEqual(caught, [
    ['listener bug', 'data'],
    ['unheard error', 'error'],
  ]);
  assert.deepEqual(heard, ['fine']);
});

test('listeners get exactly the arguments emitted, however many', () => {
  const emitter = new EventEmitter();
  guardListeners(emitter, () => assert.fail('nothing throws here'));
  const heard: unknown[][] = [];
  emitter.on('message', (...args: unknown[]) => heard.push(args));
  emitter.emit('message');
  emitter.emit('message', 'data');
  emitter.emit('message', 'data', true);
  emitter.emit('message', 1, 2, 3, undefined);
  assert.deepEqual(heard, [[], ['data'], ['data', true], [1, 2, 3, undefined]]);
});
