import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {HISTORY_LENGTH, RateSampler} from '../../source/console/rate-sampler.js';

describe('RateSampler', () => {
  it('rates in bytes per second between two samples, the last HISTORY_LENGTH kept', () => {
    const sampler = new RateSampler();
    sampler.track([{key: '1/1', bytes: 0}], 0);
    sampler.sample([{key: '1/1', bytes: 2000}], 500);
    assert.deepEqual(sampler.history('1/1'), [4000]);
    for (let at = 1; at <= HISTORY_LENGTH + 2; at += 1) sampler.sample([{key: '1/1', bytes: 2000 + at * 1000}], 500 + at * 1000);
    assert.equal(sampler.history('1/1').length, HISTORY_LENGTH);
    assert.deepEqual(sampler.history('1/1').at(-1), 1000);
  });

  it('an idle tunnel falls to 0 once, then a flat line does not change; a gone tunnel is forgotten', () => {
    const sampler = new RateSampler();
    sampler.track([{key: 'a', bytes: 0}, {key: 'b', bytes: 0}], 0);
    sampler.sample([{key: 'a', bytes: 100}, {key: 'b', bytes: 0}], 1000);
    sampler.sample([{key: 'a', bytes: 100}, {key: 'b', bytes: 0}], 2000);
    const flat = sampler.history('b');
    sampler.sample([{key: 'a', bytes: 100}, {key: 'b', bytes: 0}], 3000);
    assert.deepEqual([sampler.history('a'), flat, sampler.history('b')], [[100, 0, 0], [], []]);
    sampler.track([{key: 'b', bytes: 0}], 4000);
    assert.deepEqual(sampler.history('a'), []);
  });
});
