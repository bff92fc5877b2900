import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {Reachability} from '../../source/console/reachability.js';

describe('Reachability', () => {
  it('backs off from the first wait to the longest, and starts over once reached', () => {
    const reachability = new Reachability({retryMinMs: 10, retryMaxMs: 50, downAfterMs: 100});
    assert.deepEqual([1, 2, 3, 4, 5].map(() => reachability.nextRetryDelay()), [10, 20, 40, 50, 50]);
    reachability.reached();
    assert.equal(reachability.nextRetryDelay(), 10);
  });

  it('a server never reached is down; one lost is reconnecting until downAfterMs have passed', () => {
    const reachability = new Reachability({retryMinMs: 10, retryMaxMs: 50, downAfterMs: 100});
    assert.equal(reachability.lost(0), 'down');
    reachability.reached();
    assert.deepEqual([reachability.lost(1000), reachability.lost(1099), reachability.lost(1100)], ['reconnecting', 'reconnecting', 'down']);
    reachability.reached();
    assert.equal(reachability.lost(5000), 'reconnecting', 'a new loss counts from its own start');
  });
});
