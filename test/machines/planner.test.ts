// The Planner's statechart over fakes: repairs in the same session, limits, quota pauses, back-offs, refinements.
import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { PlannerEmitted, PlannerInput } from '../../machines/planner.js';
import { QUOTA_MARGIN_MS } from '../../machines/story-policy.js';
import { NOW } from './harness.js';
import { goodPlan, invalid, plannerFakes, valid } from './planner-fakes.js';
import type { ScriptedTurn } from './planner-fakes.js';

const input: PlannerInput = {
  goal: 'g',
  repoSummary: 'a map',
  sessionId: undefined,
  feedback: undefined,
  limits: { repairs: 2, transientRetries: 1 },
};

async function plan(steps: readonly ScriptedTurn[], given: Partial<PlannerInput> = {}) {
  const fakes = plannerFakes(steps);
  const actor = createActor(fakes.planner, { input: { ...input, ...given } });
  const emitted: PlannerEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  const output = await toPromise(actor);
  return { ...fakes, output, emitted };
}

describe('planner', () => {
  it('drafts once when the first answer is a valid plan', async () => {
    const { output, turns } = await plan([{ answer: valid() }]);
    expect(output).toEqual({
      status: 'ready',
      proposal: { plan: goodPlan, levels: [['A'], ['B']] },
      sessionId: 'sess-1',
    });
    expect(turns).toEqual([
      {
        purpose: 'draft',
        turn: 1,
        goal: 'g',
        repoSummary: 'a map',
        sessionId: undefined,
        issues: [],
        feedback: undefined,
      },
    ]);
  });

  it('repairs in the same session, listing what broke the rules, and uses the repaired plan', async () => {
    const { output, turns, emitted } = await plan([{ answer: invalid('story A: cycle') }, { answer: valid() }]);
    expect(output.status).toBe('ready');
    expect(turns.map((t) => [t.purpose, t.sessionId, t.issues])).toEqual([
      ['draft', undefined, []],
      ['repair', 'sess-1', ['story A: cycle']],
    ]);
    expect(emitted).toContainEqual({ type: 'planner.rejected', issues: ['story A: cycle'], repair: 1 });
  });

  it('gives up after two repairs with the issues of the last answer', async () => {
    const { output, turns } = await plan([{ answer: invalid('first') }, { answer: invalid('still broken') }]);
    expect(output).toEqual({ status: 'invalid', issues: ['still broken'] });
    expect(turns.map((t) => t.purpose)).toEqual(['draft', 'repair', 'repair']);
  });

  it('waits for a usage-limit reset, then continues the same session with the interrupted turn', async () => {
    const resetsAt = NOW / 1000 + 3600;
    const { output, turns, sleeps, emitted } = await plan([
      { outcome: { kind: 'usage_limit', resetsAt, text: "You've hit your limit" } },
      { answer: valid() },
    ]);
    expect(output.status).toBe('ready');
    expect(sleeps).toEqual([resetsAt * 1000 + QUOTA_MARGIN_MS]);
    expect(turns.map((t) => [t.purpose, t.sessionId])).toEqual([
      ['draft', undefined],
      ['draft', 'sess-1'],
    ]);
    expect(emitted.map((e) => e.type)).toEqual([
      'planner.started',
      'planner.paused',
      'planner.resumed',
      'planner.started',
    ]);
  });

  it('backs off after a transient failure, and fails when they outlast the retries', async () => {
    const retried = await plan([
      { outcome: { kind: 'transient', status: 529, text: 'Overloaded' } },
      { answer: valid() },
    ]);
    expect(retried.output.status).toBe('ready');
    expect(retried.sleeps).toHaveLength(1);

    const exhausted = await plan([{ outcome: { kind: 'transient', status: 529, text: 'Overloaded' } }]);
    expect(exhausted.output).toEqual({ status: 'failed', reason: 'transient: Overloaded' });
    expect(exhausted.turns).toHaveLength(2);
  });

  it('fails at once on an error that waiting cannot fix, even after a rejected answer', async () => {
    const { output } = await plan([{ answer: invalid('bad') }, { outcome: { kind: 'auth', text: 'Not logged in' } }]);
    expect(output).toEqual({ status: 'failed', reason: 'auth: Not logged in' });
  });

  it("revises an earlier plan in its session with the person's feedback", async () => {
    const { turns } = await plan([{ answer: valid() }], { sessionId: 'sess-0', feedback: 'merge A and B' });
    expect(turns[0]).toMatchObject({ purpose: 'refine', sessionId: 'sess-0', feedback: 'merge A and B' });
  });
});
