// Sleeps until a deadline kept in context, so a restored actor wakes on time instead of losing an `after` timer.
import { setTimeout as delay } from 'node:timers/promises';
import { fromPromise } from 'xstate';

export function sleepUntilLogic(now: () => number = Date.now) {
  return fromPromise<void, { until: number }>(async ({ input, signal }) => {
    const ms = Math.max(0, input.until - now());
    if (ms > 0) await delay(ms, undefined, { signal });
  });
}
