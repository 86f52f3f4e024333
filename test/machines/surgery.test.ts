// The Surgeon's proposals as data: what each may do to the plan, the rules they are checked with, the fixed policy.
import { describe, expect, it } from 'vitest';
import { replan } from '../../machines/replan.js';
import { changeOf, checkProposal, fallbackProposal, gateFixStory } from '../../machines/surgery.js';
import type { PlanState, SurgeonCase } from '../../machines/surgery.js';
import { story } from './harness.js';

// A → B → C, and D alone still to run: B failed, C is blocked behind it.
const plan: PlanState = {
  stories: [story('A'), story('B', ['A']), story('C', ['B']), story('D', ['A'])],
  status: { A: 'merged', B: 'failed', C: 'blocked', D: 'pending' },
};
const failedB: SurgeonCase = {
  kind: 'story',
  story: story('B', ['A']),
  reason: 'max_turns',
  attempts: 2,
  files: [],
  replans: 0,
};
const gate: SurgeonCase = {
  kind: 'gate',
  level: 1,
  failing: [{ command: 'npm test', status: 'failed', exitCode: 1, durationMs: 10, tail: 'FAIL a.test.ts' }],
};

describe('surgery', () => {
  it('splits a story: its parts are added, it is replaced, its dependents wait for the last parts', () => {
    const split = {
      action: 'split' as const,
      reason: 'two changes',
      stories: [story('B1', ['A']), story('B2', ['B1']), story('B3', ['A'])],
    };
    expect(checkProposal(failedB, split, plan)).toEqual([]);
    const change = changeOf(failedB, split, plan);
    expect(change).toEqual({
      stories: [...split.stories, story('C', ['B2', 'B3'])],
      drop: [],
      replace: ['B'],
    });
    const result = replan({ ...plan, level: [] }, change);
    expect(result.ok && result.status).toEqual({
      A: 'merged',
      B: 'replaced',
      C: 'pending',
      D: 'pending',
      B1: 'pending',
      B2: 'pending',
      B3: 'pending',
    });
  });

  it('retries a story as it is, and drops one by changing nothing', () => {
    expect(changeOf(failedB, { action: 'retry', reason: 'r', guidance: 'g' }, plan)).toEqual({
      stories: [failedB.kind === 'story' ? failedB.story : story('x')],
      drop: [],
    });
    expect(changeOf(failedB, { action: 'drop', reason: 'r' }, plan)).toEqual({ stories: [], drop: [] });
  });

  it('refuses an action that does not answer the case, taken ids, and dependencies that will not merge', () => {
    expect(checkProposal(gate, { action: 'retry', reason: 'r', guidance: 'g' }, plan)).toEqual([
      '"retry" does not answer a failed integration gate: answer with one of fix, drop',
    ]);
    expect(checkProposal(failedB, { action: 'fix', reason: 'r', stories: [story('F')] }, plan)).toEqual([
      '"fix" does not answer a failed story: answer with one of retry, split, drop',
    ]);
    expect(
      checkProposal(
        failedB,
        { action: 'split', reason: 'r', stories: [story('D'), story('B1', ['B']), story('B2', ['C', 'Z'])] },
        plan,
      ),
    ).toEqual([
      'story D: the id is taken in the plan; give each new story a new id',
      'story B1: dependsOn names B, which is failed and will not merge',
      'story B2: dependsOn names C, which is blocked and will not merge',
      'story B2: dependsOn names unknown story "Z"',
    ]);
    expect(checkProposal(failedB, { action: 'split', reason: 'r', stories: [] }, plan)).toEqual([
      '"split" needs at least one new story',
    ]);
  });

  it('refuses new stories that form a cycle', () => {
    const cycle = { action: 'split' as const, reason: 'r', stories: [story('B1', ['B2']), story('B2', ['B1'])] };
    expect(checkProposal(failedB, cycle, plan)).toEqual(['story B1: dependsOn forms a cycle B1 → B2 → B1']);
  });

  it('without the Surgeon, retries a story once then drops it, and fixes a gate once then drops it', () => {
    expect(fallbackProposal(failedB, 0, 'auth', plan)).toEqual({
      action: 'retry',
      reason: 'the Surgeon could not answer (auth); fixed policy',
      guidance: expect.stringContaining('Your earlier attempt failed: max_turns.'),
    });
    expect(fallbackProposal(failedB, 1, 'auth', plan)).toEqual({
      action: 'drop',
      reason: 'the Surgeon could not answer (auth); fixed policy: already tried again once',
    });
    expect(fallbackProposal(gate, 0, 'auth', plan)).toMatchObject({ action: 'fix', stories: [{ id: 'fix-gate-2' }] });
    expect(fallbackProposal(gate, 1, 'auth', plan).action).toBe('drop');
  });

  it('writes a gate fix story with a fresh id, the failing output, and one criterion per failing command', () => {
    const taken: PlanState = { stories: [...plan.stories, story('fix-gate-2')], status: plan.status };
    const fix = gateFixStory(gate.kind === 'gate' ? gate : { kind: 'gate', level: 0, failing: [] }, taken);
    expect(fix).toMatchObject({ id: 'fix-gate-2-2', dependsOn: [], acceptance: ['`npm test` exits 0'] });
    expect(fix.description).toContain('$ npm test (exit 1)\nFAIL a.test.ts');
  });
});
