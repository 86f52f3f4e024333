// A deadline further away than a Node timer can hold (~24.8 days) must not fire at once.
import { setTimeout as delay } from 'node:timers/promises';
import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { sleepUntilLogic } from '../../actors/sleep.js';

describe('sleepUntilLogic', () => {
  it('keeps sleeping when the deadline is beyond the largest timer delay', async () => {
    const actor = createActor(
      sleepUntilLogic(() => 0),
      { input: { until: 2 ** 31 + 60_000 } },
    );
    let woke = false;
    const done = toPromise(actor).then(() => {
      woke = true;
    });
    actor.start();
    // A timer overflow fires after 1 ms; give it many event-loop turns to show.
    await delay(200);
    expect(woke).toBe(false);
    actor.stop();
    await Promise.race([done, delay(10)]).catch(() => undefined);
  });

  it('wakes on a deadline already past', async () => {
    const actor = createActor(
      sleepUntilLogic(() => 1_000),
      { input: { until: 10 } },
    );
    actor.start();
    await toPromise(actor);
    expect(actor.getSnapshot().status).toBe('done');
  });
});
