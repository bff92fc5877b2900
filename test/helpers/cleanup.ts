/** Undo steps registered as a test goes, run after it (in reverse order) even when it fails. */
import type {TestContext} from 'node:test';

export type Defer = (task: () => unknown) => void;

export function deferrer(t: TestContext): Defer {
  const tasks: Array<() => unknown> = [];
  t.after(async () => {
    for (const task of tasks.reverse()) {
      try {
        await task();
      } catch {
        // a failed cleanup must not hide the test's own result
      }
    }
  });
  return (task) => void tasks.push(task);
}
