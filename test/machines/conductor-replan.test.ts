// The Conductor between levels: the integration gate, the Surgeon's retry, split, fix and drop, its fixed policy, the budget.
import { describe, expect, it } from 'vitest';
import { runStatus } from '../../machines/dag.js';
import type { SurgeonProposal } from '../../machines/surgery.js';
import type { IntegrationGateOutput } from '../../machines/types.js';
import { outcomes, sessionEvent, startRun, story } from './harness.js';
import { surgeonAnswer } from './replan-fakes.js';

const propose = (proposal: SurgeonProposal) => surgeonAnswer({ ok: true, proposal });
const red: IntegrationGateOutput = {
  status: 'failed',
  results: [
    { command: 'npm run build', status: 'passed', exitCode: 0, durationMs: 900, tail: 'ok' },
    { command: 'npm test', status: 'failed', exitCode: 1, durationMs: 1200, tail: 'FAIL test/a.test.ts' },
  ],
};
const green: IntegrationGateOutput = { status: 'passed', results: [] };

// A → B → C: B's agent fails every turn unless a test says otherwise.
const chain = [story('A'), story('B', ['A']), story('C', ['B'])];
const failB = {
  agent: (input: { storyId: string }) =>
    input.storyId === 'B'
      ? { outcome: outcomes.error }
      : {
          events: [sessionEvent(input.storyId)],
          outcome: outcomes.ok,
        },
};

describe('conductor: replanning between levels', () => {
  it('splits a story that failed for good into two that run in the next level and merge; the run succeeds', async () => {
    const h = startRun({
      stories: chain,
      replanBudget: 3,
      ...failB,
      surgeon: () =>
        propose({
          action: 'split',
          reason: 'B is two changes',
          stories: [story('B1', ['A']), story('B2', ['A'])],
        }),
    });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'replaced', C: 'merged', B1: 'merged', B2: 'merged' });
    expect(runStatus(output.outcome?.status ?? {})).toBe('succeeded');
    expect(h.emitted('level.started').map((e) => e.stories)).toEqual([['A'], ['B'], ['B1', 'B2'], ['C']]);
    const [applied] = h.emitted('replan.applied');
    expect(applied).toMatchObject({
      level: 1,
      cause: { kind: 'story', storyId: 'B', reason: 'error: the agent gave up' },
      action: 'split',
      by: 'surgeon',
      reason: 'B is two changes',
      levels: [['B1', 'B2'], ['C']],
      budgetLeft: 2,
    });
    expect(applied?.before).toEqual([
      { id: 'A', title: 'Story A', dependsOn: [], status: 'merged' },
      { id: 'B', title: 'Story B', dependsOn: ['A'], status: 'failed' },
      { id: 'C', title: 'Story C', dependsOn: ['B'], status: 'blocked' },
    ]);
    expect(applied?.after).toEqual([
      { id: 'A', title: 'Story A', dependsOn: [], status: 'merged' },
      { id: 'B', title: 'Story B', dependsOn: ['A'], status: 'replaced' },
      { id: 'C', title: 'Story C', dependsOn: ['B1', 'B2'], status: 'pending' },
      { id: 'B1', title: 'Story B1', dependsOn: ['A'], status: 'pending' },
      { id: 'B2', title: 'Story B2', dependsOn: ['A'], status: 'pending' },
    ]);
    expect(output.outcome?.stories.map((s) => s.id)).toEqual(['A', 'B', 'C', 'B1', 'B2']);
    expect(h.surgeon.turns().map((t) => [t.purpose, t.case.kind === 'story' && t.case.story.id])).toEqual([
      ['propose', 'B'],
    ]);
  });

  it('retries a story with the guidance as a new turn of its own session, and adds up both runs', async () => {
    const h = startRun({
      stories: chain,
      replanBudget: 3,
      agent: (input, n) => ({
        events: [sessionEvent(input.storyId)],
        outcome: input.storyId === 'B' && n === 1 ? outcomes.error : outcomes.ok,
      }),
      surgeon: () => propose({ action: 'retry', reason: 'close', guidance: 'Run the tests before you finish.' }),
    });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'merged', C: 'merged' });
    expect(h.agents.of('B').map((t) => [t.input.purpose, t.input.sessionId, t.input.guidance])).toEqual([
      ['story', undefined, ''],
      ['guided', 'sess-B', 'Run the tests before you finish.'],
    ]);
    expect(output.outcome?.results.B).toMatchObject({ status: 'merged', attempts: 2, costUsd: 0.02, agentMs: 2000 });
    expect(h.emitted('replan.applied')[0]).toMatchObject({
      action: 'retry',
      guidance: 'Run the tests before you finish.',
      levels: [['B'], ['C']],
    });
  });

  it('turns a failed integration gate into a fix story that runs next and brings the gate back to green', async () => {
    const h = startRun({
      stories: [story('A'), story('B')],
      replanBudget: 3,
      gate: (level) => (level === 0 ? red : green),
      surgeon: () =>
        propose({
          action: 'fix',
          reason: 'A and B disagree on the API',
          stories: [story('fix-1', [], { title: 'Make npm test pass' })],
        }),
    });
    const output = await h.done();

    expect(h.gates.levels()).toEqual([0, 1]);
    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'merged', 'fix-1': 'merged' });
    const [turn] = h.surgeon.turns();
    expect(turn?.case).toEqual({ kind: 'gate', level: 0, failing: [red.results[1]] });
    expect(h.emitted('replan.applied')[0]).toMatchObject({
      cause: { kind: 'gate', commands: ['npm test'] },
      action: 'fix',
      levels: [['fix-1']],
    });
  });

  it('applies the fixed policy when the Surgeon fails: one retry, then a drop that leaves the dependents blocked', async () => {
    const h = startRun({ stories: chain, replanBudget: 3, ...failB });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'failed', C: 'blocked' });
    expect(h.emitted('replan.applied').map((e) => [e.action, e.by, e.budgetLeft])).toEqual([
      ['retry', 'policy', 2],
      ['drop', 'policy', 2],
    ]);
    expect(h.emitted('replan.applied')[0]?.reason).toBe(
      'the Surgeon could not answer (surgeonTurn not provided); fixed policy',
    );
    expect(h.agents.of('B')).toHaveLength(2);
    expect(h.agents.of('B')[1]?.input.purpose).toBe('guided');
    expect(h.spawned('C')).toBe(false);
  });

  it('blocks the dependents of a story the Surgeon drops', async () => {
    const h = startRun({
      stories: [...chain, story('D', ['C'])],
      replanBudget: 3,
      ...failB,
      surgeon: () => propose({ action: 'drop', reason: 'not needed' }),
    });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'failed', C: 'blocked', D: 'blocked' });
    expect(h.emitted('replan.applied').map((e) => [e.action, e.by, e.budgetLeft, e.levels])).toEqual([
      ['drop', 'surgeon', 3, [['C'], ['D']]],
    ]);
    expect(h.spawned('C') || h.spawned('D')).toBe(false);
  });

  it('leaves the remaining failures failed once the budget is spent, saying why', async () => {
    const h = startRun({
      stories: [story('X'), story('Y')],
      replanBudget: 1,
      agent: () => ({ outcome: outcomes.error }),
      surgeon: () => propose({ action: 'retry', reason: 'try again', guidance: 'Smaller steps.' }),
    });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ X: 'failed', Y: 'failed' });
    expect(h.surgeon.turns()).toHaveLength(1);
    expect(h.emitted('replan.applied').map((e) => [e.cause, e.budgetLeft])).toEqual([
      [{ kind: 'story', storyId: 'X', reason: 'error: the agent gave up' }, 0],
    ]);
    expect(h.emitted('replan.skipped')).toEqual([
      {
        type: 'replan.skipped',
        level: 0,
        cause: { kind: 'story', storyId: 'Y', reason: 'error: the agent gave up' },
        reason: 'the replan budget is spent',
      },
      {
        type: 'replan.skipped',
        level: 1,
        cause: { kind: 'story', storyId: 'X', reason: 'error: the agent gave up' },
        reason: 'the replan budget is spent',
      },
    ]);
  });

  it('reads a proposal the plan refuses as a drop, and a gate that crashes as no gate', async () => {
    const h = startRun({
      stories: chain,
      replanBudget: 3,
      ...failB,
      gate: () => new Error('no shell'),
      surgeon: () => propose({ action: 'split', reason: 'x', stories: [story('A')] }),
    });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'failed', C: 'blocked' });
    expect(h.emitted('gate.error')).toEqual([{ type: 'gate.error', level: 0, message: 'no shell' }]);
    expect(h.emitted('replan.applied')[0]).toMatchObject({ action: 'drop', by: 'surgeon', budgetLeft: 3 });
    expect(h.emitted('replan.applied')[0]?.reason).toMatch(/^the plan refused the proposal: /);
  });
});
