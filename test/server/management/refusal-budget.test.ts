/** The refusal budget: so many events per interval, the rest counted by type, the counts sent once. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {RefusalBudget} from '../../../source/server/management/refusal-budget.js';

test('within the budget events go out; past it they are counted by type, once per interval', () => {
  const budget = new RefusalBudget(2);
  assert.deepEqual(['auth.refused', 'limit.reached', 'auth.refused', 'auth.refused', 'limit.reached'].map((type) => budget.admit(type)), [true, true, false, false, false]);
  assert.deepEqual(budget.nextInterval(Date.UTC(2026, 10, 27, 14, 0, 0)), {
    type: 'events.suppressed',
    at: '2026-11-27T14:00:00.000Z',
    counts: {'auth.refused': 2, 'limit.reached': 1},
  });
  assert.deepEqual([budget.admit('auth.refused'), budget.admit('auth.refused'), budget.admit('auth.refused')], [true, true, false], 'a new interval, a new budget');
  assert.deepEqual(budget.nextInterval(0), {type: 'events.suppressed', at: '1970-01-01T00:00:00.000Z', counts: {'auth.refused': 1}});
  assert.equal(budget.nextInterval(), undefined, 'nothing suppressed, no frame');
});
