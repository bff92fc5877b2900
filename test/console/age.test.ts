/** Ages of server timestamps, by the console's clock and the server's offset, in the pane's coarse units. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ageOf, formatAge} from '../../source/console/age.js';

const AT = '2026-11-27T14:00:00.000Z';
const THEN = Date.parse(AT);

describe('age', () => {
  it('ageOf reads the server time against the console clock less its offset', () => {
    assert.equal(ageOf(AT, 0, THEN + 1_500), 1_500);
    // The console's clock runs a minute ahead of the server's: still 1.5 s.
    assert.equal(ageOf(AT, 60_000, THEN + 61_500), 1_500);
    assert.equal(ageOf(AT, -60_000, THEN - 58_500), 1_500);
  });

  it('is never negative, and null for what is not a time', () => {
    assert.equal(ageOf(AT, 0, THEN - 3_000), 0);
    assert.equal(ageOf('yesterday-ish', 0, THEN), null);
  });

  it('formatAge: whole seconds, then minutes, hours, days, floored; - for none', () => {
    const cases: Array<[number | null, string]> = [
      [null, '-'],
      [0, '0s'],
      [999, '0s'],
      [59_999, '59s'],
      [60_000, '1m'],
      [3_599_999, '59m'],
      [3_600_000, '1h'],
      [86_399_999, '23h'],
      [86_400_000, '1d'],
      [40 * 86_400_000, '40d'],
    ];
    for (const [ms, text] of cases) assert.equal(formatAge(ms), text, String(ms));
  });
});
