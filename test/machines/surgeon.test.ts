// The Surgeon's statechart over fakes: a proposal, a repair in the same session, usage-limit waits, back-offs, failures.
import { createActor, fromPromise, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { QUOTA_MARGIN_MS } from '../../machines/story-policy.js';
import { surgeonMachine } from '../../machines/surgeon.js';
import type { SurgeonEmitted, SurgeonInput, SurgeonTurnInput, SurgeonTurnOutput } from '../../machines/surgeon.js';
import type { SurgeonProposal } from '../../machines/surgery.js';
import type { SessionOutcome } from '../../machines/types.js';
import { NOW, outcomes, story } from './harness.js';

const failed = story('B', ['A']);
const input: SurgeonInput = {
  case: { kind: 'story', story: failed, reason: 'max_turns', attempts: 1, files: [], replans: 0 },
  plan: { stories: [story('A'), failed], status: { A: 'merged', B: 'failed' } },
  limits: { transientRetries: 1, repairs: 1 },
};
const retry: SurgeonProposal = { action: 'retry', reason: 'it was close', guidance: 'Run the tests first.' };

interface Step {
  readonly outcome?: SessionOutcome;
  readonly answer?: SurgeonTurnOutput['answer'];
  readonly crash?: string;
}

/** Each turn answers the next step (the last one repeats) from session `sess-s`. */
async function operate(steps: readonly Step[]) {
  const turns: SurgeonTurnInput[] = [];
  const sleeps: number[] = [];
  const surgeonTurn = fromPromise<SurgeonTurnOutput, SurgeonTurnInput>(async ({ input: turn }) => {
    turns.push(turn);
    const step = steps[Math.min(turns.length, steps.length) - 1] ?? {};
    if (step.crash !== undefined) throw new Error(step.crash);
    return {
      summary: {
        outcome: step.outcome ?? { kind: 'ok' },
        sessionId: 'sess-s',
        costUsd: 0.01,
        durationMs: 10,
        usage: { inputTokens: 1, outputTokens: 1 },
      },
      endedAt: NOW,
      answer: step.answer ?? { ok: false, issues: ['no answer'] },
    };
  });
  const sleepUntil = fromPromise<void, { until: number }>(async ({ input: sleep }) => {
    sleeps.push(sleep.until);
  });
  const actor = createActor(surgeonMachine.provide({ actors: { surgeonTurn, sleepUntil } }), { input });
  const emitted: SurgeonEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  return { output: await toPromise(actor), turns, sleeps, emitted };
}

describe('surgeon', () => {
  it('proposes what its first valid answer says, from one turn', async () => {
    const { output, turns, emitted } = await operate([{ answer: { ok: true, proposal: retry } }]);
    expect(output).toEqual({ status: 'proposed', proposal: retry, costUsd: 0.01 });
    expect(turns).toEqual([
      { purpose: 'propose', turn: 1, case: input.case, plan: input.plan, sessionId: undefined, issues: [] },
    ]);
    expect(emitted).toEqual([{ type: 'surgeon.started', subject: 'B', purpose: 'propose', turn: 1 }]);
  });

  it('repairs an answer that breaks the rules in the same session', async () => {
    const { output, turns, emitted } = await operate([
      { answer: { ok: false, issues: ['story B: the id is taken'] } },
      { answer: { ok: true, proposal: retry } },
    ]);
    expect(output.status).toBe('proposed');
    expect(turns.map((t) => [t.purpose, t.sessionId, t.issues])).toEqual([
      ['propose', undefined, []],
      ['repair', 'sess-s', ['story B: the id is taken']],
    ]);
    expect(emitted).toContainEqual({ type: 'surgeon.rejected', subject: 'B', issues: ['story B: the id is taken'] });
  });

  it('fails with the issues when the repaired answer still breaks the rules', async () => {
    const { output, turns } = await operate([{ answer: { ok: false, issues: ['no JSON'] } }]);
    expect(turns).toHaveLength(2);
    expect(output).toEqual({
      status: 'failed',
      reason: 'its answer breaks the rules: no JSON',
      costUsd: 0.02,
    });
  });

  it('waits for a usage-limit reset, then asks again', async () => {
    const resetsAt = NOW / 1000 + 600;
    const { output, sleeps, emitted } = await operate([
      { outcome: outcomes.usageLimit(resetsAt) },
      { answer: { ok: true, proposal: retry } },
    ]);
    expect(output.status).toBe('proposed');
    expect(sleeps).toEqual([resetsAt * 1000 + QUOTA_MARGIN_MS]);
    expect(emitted.map((e) => e.type)).toEqual([
      'surgeon.started',
      'surgeon.paused',
      'surgeon.resumed',
      'surgeon.started',
    ]);
  });

  it('backs off after a transient failure, and fails once the retries are spent', async () => {
    const { output, sleeps, emitted } = await operate([{ outcome: outcomes.transient }]);
    expect(sleeps).toEqual([NOW + 5_000]);
    expect(emitted).toContainEqual({
      type: 'surgeon.retry',
      subject: 'B',
      reason: 'transient: Overloaded',
      at: NOW + 5_000,
    });
    expect(output).toEqual({ status: 'failed', reason: 'transient: Overloaded', costUsd: 0.02 });
  });

  it('fails at once on an error outcome, and when its turn crashes', async () => {
    expect((await operate([{ outcome: outcomes.error }])).output).toEqual({
      status: 'failed',
      reason: 'error: the agent gave up',
      costUsd: 0.01,
    });
    expect((await operate([{ crash: 'spawn ENOENT' }])).output).toEqual({
      status: 'failed',
      reason: 'spawn ENOENT',
      costUsd: 0,
    });
  });
});
