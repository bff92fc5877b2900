/** What our client takes from the server's answer for the stream extension. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {StreamSettings} from '../../source/client/stream-settings.js';

test('not negotiated (one side did not announce it): none, the classic wire', () => {
  assert.equal(StreamSettings.fromAnswer(512, false), undefined);
});

test("the server's limit bounds the forward pool: idle, opening and closing websockets", () => {
  assert.deepEqual(StreamSettings.fromAnswer(512, true)?.forwardPool, {minIdle: 1, maxIdle: 256, maxUnused: 512});
  assert.deepEqual(StreamSettings.fromAnswer(4, true, {minIdle: 8, maxIdle: 16, idleTimeoutMs: 50})?.forwardPool, {
    minIdle: 4,
    maxIdle: 4,
    idleTimeoutMs: 50,
    maxUnused: 4,
  });
});

test('a server that names no limit, or one that makes no sense, is taken to allow 64', () => {
  for (const announced of [undefined, 0, -3, 1.5, '512', null]) {
    assert.equal(StreamSettings.fromAnswer(announced, true)?.idleLimit, 64, String(announced));
  }
});
