// Fakes at the Planner's actor seams: scripted planner turns and sleeps that end at once, both recorded.
import { fromPromise } from 'xstate';
import { plannerMachine } from '../../machines/planner.js';
import type { PlannerTurnInput, PlannerTurnOutput } from '../../machines/planner.js';
import type { PlanDef, SessionOutcome } from '../../machines/types.js';
import { NOW, story } from './harness.js';

export const goodPlan: PlanDef = { goal: 'g', stories: [story('A'), story('B', ['A'])] };

export const valid = (plan: PlanDef = goodPlan): PlannerTurnOutput['answer'] => ({
  ok: true,
  proposal: { plan, levels: [['A'], ['B']] },
});
export const invalid = (...issues: string[]): PlannerTurnOutput['answer'] => ({ ok: false, issues });

export interface ScriptedTurn {
  readonly outcome?: SessionOutcome;
  readonly answer?: PlannerTurnOutput['answer'];
}

/** Each turn answers the next scripted step (the last one repeats) from session `sess-1`. */
export function plannerFakes(steps: readonly ScriptedTurn[]) {
  const turns: PlannerTurnInput[] = [];
  const sleeps: number[] = [];
  const plannerTurn = fromPromise<PlannerTurnOutput, PlannerTurnInput>(async ({ input }) => {
    turns.push(input);
    const step = steps[Math.min(turns.length, steps.length) - 1] ?? {};
    return {
      summary: {
        outcome: step.outcome ?? { kind: 'ok' },
        sessionId: input.sessionId ?? 'sess-1',
        costUsd: 0.01,
        durationMs: 10,
        usage: { inputTokens: 1, outputTokens: 1 },
      },
      endedAt: NOW,
      answer: step.answer ?? invalid('no answer'),
    };
  });
  const sleepUntil = fromPromise<void, { until: number }>(async ({ input }) => {
    sleeps.push(input.until);
  });
  return { turns, sleeps, planner: plannerMachine.provide({ actors: { plannerTurn, sleepUntil } }) };
}
