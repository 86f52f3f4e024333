// Sleeps until a deadline kept in context, so a restored actor wakes on time instead of losing an `after` timer.
import { setTimeout as delay } from 'node:timers/promises';
import { fromPromise } from 'xstate';

// Node fires a longer timer after 1 ms instead (TimeoutOverflowWarning): far deadlines are slept in pieces.
const MAX_TIMER_MS = 2 ** 31 - 1;

export function sleepUntilLogic(now: () => number = Date.now) {
  return fromPromise<void, { until: number }>(async ({ input, signal }) => {
    for (let ms = input.until - now(); ms > 0; ms = input.until - now()) {
      await delay(Math.min(ms, MAX_TIMER_MS), undefined, { signal });
    }
  });
}
