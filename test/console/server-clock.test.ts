/** The server's clock offset, learned from the `at` of its frames, moving only in steps over a second. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {CLOCK_STEP_MS, nextClockOffset, serverNow, serverTime} from '../../source/console/server-clock.js';

const AT = '2026-11-27T14:00:00.000Z';
const SENT = Date.parse(AT);

describe('server clock', () => {
  it('takes a measured offset more than a second from the previous one, rounded', () => {
    assert.equal(nextClockOffset(0, AT, SENT + 60_000.4), 60_000);
    assert.equal(nextClockOffset(0, AT, SENT - 5_000), -5_000);
    assert.equal(nextClockOffset(60_000, AT, SENT + 58_500), 58_500);
  });

  it('keeps the previous offset within a second (jitter, the trip of the frame)', () => {
    assert.equal(nextClockOffset(0, AT, SENT + CLOCK_STEP_MS), 0);
    assert.equal(nextClockOffset(0, AT, SENT - CLOCK_STEP_MS), 0);
    assert.equal(nextClockOffset(0, AT, SENT + 37), 0);
    assert.equal(nextClockOffset(60_000, AT, SENT + 59_200), 60_000);
    assert.equal(nextClockOffset(0, AT, SENT + CLOCK_STEP_MS + 1), CLOCK_STEP_MS + 1);
  });

  it('keeps the previous offset when the frame has no time', () => {
    assert.equal(nextClockOffset(250_000, 'not a time', SENT), 250_000);
  });

  it('serverTime reads a timestamp in ms, and nothing from what is not one', () => {
    assert.equal(serverTime(AT), SENT);
    assert.equal(serverTime('2026-11-27T14:00:00.250+01:00'), SENT - 3_600_000 + 250);
    assert.equal(serverTime('not a time'), undefined);
    assert.equal(serverTime(''), undefined);
    assert.equal(serverTime(undefined), undefined);
  });

  it("serverNow is the console's time less the offset", () => {
    assert.equal(serverNow(60_000, SENT + 60_000), SENT);
    assert.equal(serverNow(-2_000, SENT), SENT + 2_000);
  });
});
