/**
 * Whole documents compared with deepEqual although some fields vary (times, ids, ports,
 * latencies): each such field is checked here (by a pattern or a predicate) and replaced by
 * PINNED, so that the test writes PINNED in its expected document and compares the rest exactly.
 */
import assert from 'node:assert/strict';

export const PINNED = '<pinned>';

/** An ISO 8601 time as the server writes them (Date.toISOString). */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export type Check = RegExp | ((value: unknown) => boolean);

/** A number in [min, max]. */
export function between(min: number, max: number): Check {
  return (value) => typeof value === 'number' && value >= min && value <= max;
}

/** An ISO time no earlier than `from` and no later than now. */
export function timeSince(from: number): Check {
  return (value) => typeof value === 'string' && ISO_TIME.test(value) && Date.parse(value) >= from - 1 && Date.parse(value) <= Date.now();
}

function passes(check: Check, value: unknown): boolean {
  return check instanceof RegExp ? typeof value === 'string' && check.test(value) : check(value);
}

function pinAt(value: unknown, path: string[], check: Check, where: string): unknown {
  if (path.length === 0) {
    assert.ok(passes(check, value), `${where}: ${JSON.stringify(value)} does not pass ${String(check)}`);
    return PINNED;
  }
  const [key, ...rest] = path;
  if (key === '*') {
    assert.ok(Array.isArray(value), `${where}: not an array`);
    return value.map((item, index) => pinAt(item, rest, check, `${where}.${index}`));
  }
  if (Array.isArray(value)) {
    const index = Number(key);
    assert.ok(Number.isInteger(index) && index < value.length, `${where}: no item ${key}`);
    return value.map((item, at) => (at === index ? pinAt(item, rest, check, `${where}.${key}`) : item));
  }
  assert.ok(typeof value === 'object' && value !== null && key! in value, `${where}: no key \`${key}\``);
  const record = value as Record<string, unknown>;
  return {...record, [key!]: pinAt(record[key!], rest, check, `${where}.${key}`)};
}

/** A copy of `value` with each dotted path (`*`: every item of an array) checked and pinned. */
export function pinned(value: unknown, checks: Record<string, Check>): unknown {
  let result = value;
  for (const [path, check] of Object.entries(checks)) result = pinAt(result, path.split('.'), check, path);
  return result;
}
