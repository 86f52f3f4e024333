// The types participant authors import from 'baro': checked by the compiler (npm run typecheck), asserted here.
import { describe, expectTypeOf, it } from 'vitest';
import { fromCallback } from 'xstate';
import type { Participant, RunEvent } from '../../cli/public-types.js';

describe('the participant types', () => {
  it('type the simple form: a name, the events, and a handler of the events --json prints', () => {
    const participant = {
      name: 'ci-notify',
      events: ['story.merged', 'run.completed'],
      async onEvent(event, baro) {
        if (event.type === 'story.merged') expectTypeOf(event.storyId).toEqualTypeOf<string>();
        if (event.type === 'run.completed') baro.note(`done on ${event.branch ?? 'no branch'}`);
        expectTypeOf(event.ts).toEqualTypeOf<string>();
      },
    } satisfies Participant;
    expectTypeOf(participant).toExtend<Participant>();
  });

  it('type the stateful form and refuse both forms at once or an unknown event type', () => {
    const logic = fromCallback(() => undefined);
    expectTypeOf({ name: 'stateful', logic }).toExtend<Participant>();
    // @ts-expect-error: onEvent or logic, not both
    const both: Participant = { name: 'both', logic, onEvent: () => undefined };
    // @ts-expect-error: not an event a run reports
    const typo: Participant = { name: 'typo', events: ['story.merge'], onEvent: () => undefined };
    expectTypeOf([both, typo]).toExtend<Participant[]>();
    expectTypeOf<Extract<RunEvent, { type: 'participant.failed' }>>().toHaveProperty('reason');
  });
});
