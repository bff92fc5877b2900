/** The reachability lifecycle and its record: backoff, reconnecting or down, round trips, reconnects, the last loss. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {RTT_HISTORY_LENGTH, Reachability} from '../../source/console/reachability.js';

const TIMING = {retryMinMs: 10, retryMaxMs: 50, downAfterMs: 100};

describe('Reachability', () => {
  it('backs off from the first wait to the longest, and starts over once reached', () => {
    const reachability = new Reachability(TIMING);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => reachability.nextRetryDelay()), [10, 20, 40, 50, 50]);
    reachability.reached(0);
    assert.equal(reachability.nextRetryDelay(), 10);
  });

  it('a server never reached is down; one lost is reconnecting until downAfterMs have passed', () => {
    const reachability = new Reachability(TIMING);
    assert.equal(reachability.lost(0, 'refused'), 'down');
    assert.equal(reachability.wasReached, false);
    reachability.reached(10);
    assert.equal(reachability.wasReached, true);
    assert.deepEqual([reachability.lost(1000, 'x'), reachability.lost(1099, 'x'), reachability.lost(1100, 'x')], ['reconnecting', 'reconnecting', 'down']);
    reachability.reached(2000);
    assert.equal(reachability.lost(5000, 'x'), 'reconnecting', 'a new loss counts from its own start');
  });

  it('records round trips, the last answer, each return after a loss, and why it was lost', () => {
    const reachability = new Reachability(TIMING);
    reachability.lost(0, 'connect ECONNREFUSED');
    assert.deepEqual(reachability.reached(100), {returned: false, lostForMs: 0, lostBecause: null}, 'a first contact is no return');
    assert.equal(reachability.health.lastLoss, null, 'never reached: nothing was lost');
    for (let probe = 1; probe <= RTT_HISTORY_LENGTH + 2; probe += 1) reachability.measured(100 + probe, probe);
    assert.deepEqual(reachability.health.rttHistory, [3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(reachability.health.lastAnswerAt, 110);
    reachability.lost(500, 'Lost the server http://x: no answer to pings for 30 s');
    reachability.lost(900, 'connect ECONNREFUSED');
    assert.deepEqual(reachability.health.lastLoss, {at: 500, reason: 'Lost the server http://x: no answer to pings for 30 s'}, 'the first reason of a loss');
    assert.deepEqual(reachability.reached(1500), {returned: true, lostForMs: 1000, lostBecause: 'Lost the server http://x: no answer to pings for 30 s'});
    assert.deepEqual(reachability.reached(1600), {returned: false, lostForMs: 0, lostBecause: null});
    assert.equal(reachability.health.reconnects, 1);
    assert.equal(reachability.health.lastAnswerAt, 1600);
  });
});
