// The review loop over fakes: evidence, verdicts, feedback turns in the same session, Critic failures and pauses.
import { describe, expect, it } from 'vitest';
import { NOW, outcomes, sessionEvent, startRun, story } from './harness.js';
import { surgeonAnswer } from './replan-fakes.js';
import { checkResult, verdicts } from './review-fakes.js';

const limits = { transientRetries: 2, conflictRounds: 2, reviewRounds: 2 };

describe('story review', () => {
  it('checks, reviews and merges a story that passes at once: one agent turn, one review', async () => {
    const h = startRun({ stories: [story('S1')], checks: ['make test'] });
    const output = await h.done();

    expect(output.outcome?.results.S1?.status).toBe('merged');
    expect(h.agents.of('S1')).toHaveLength(1);
    expect(h.critics.calls.map((c) => c.input)).toMatchObject([
      { storyId: 'S1', round: 1, call: 1, evidence: [{ command: 'make test', status: 'passed' }], denials: [] },
    ]);
    const types = h.log.filter((e) => e.source !== 'conductor').map((e) => e.event.type);
    expect(types.indexOf('verify.completed')).toBeLessThan(types.indexOf('story.verdict'));
    expect(types.indexOf('story.verdict')).toBeLessThan(types.indexOf('story.merged'));
  });

  it('sends a failing verdict back to the same session with the failing checks, then merges on a pass', async () => {
    const h = startRun({
      stories: [story('S1')],
      limits,
      checks: ['make test'],
      checkResult: (target, command) =>
        checkResult(command, target.kind === 'story' && target.round === 1 ? 'failed' : 'passed', 'FAIL refill'),
      critic: (input) => (input.round === 1 ? verdicts.fail : verdicts.pass),
    });
    const output = await h.done();

    expect(output.outcome?.results.S1?.status).toBe('merged');
    const [first, feedback, ...more] = h.agents.of('S1');
    expect(more).toEqual([]);
    expect(first?.input.purpose).toBe('story');
    expect(feedback?.input).toMatchObject({
      purpose: 'feedback',
      sessionId: 'sess-S1',
      review: {
        round: 1,
        verdict: verdicts.fail,
        failing: [{ command: 'make test', status: 'failed', tail: 'FAIL refill' }],
      },
    });
    expect(h.critics.calls.map((c) => [c.input.round, c.input.evidence[0]?.status])).toEqual([
      [1, 'failed'],
      [2, 'passed'],
    ]);
    expect(h.emitted('story.verdict').map((v) => [v.round, v.verdict])).toEqual([
      [1, 'fail'],
      [2, 'pass'],
    ]);
    expect(h.git.calls.filter((c) => c.op.kind === 'story.commit')).toHaveLength(2);
  });

  it('fails the story after review.maxRounds feedback turns, and blocks its dependents', async () => {
    const h = startRun({
      stories: [story('S1'), story('S2', ['S1'])],
      limits: { ...limits, reviewRounds: 1 },
      critic: () => verdicts.fail,
    });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ S1: 'failed', S2: 'blocked' });
    expect(output.outcome?.results.S1?.reason).toBe(
      'the Critic failed the story after 2 review rounds: the tests do not cover refill',
    );
    expect(h.agents.of('S1')).toHaveLength(2);
    expect(h.git.calls.some((c) => c.op.kind === 'story.merge')).toBe(false);
  });

  it("numbers each review by the turn it judges, on past the Surgeon's retry, so no review's log is written over", async () => {
    const h = startRun({
      stories: [story('S1')],
      limits: { ...limits, reviewRounds: 1 },
      replanBudget: 1,
      critic: (input) => (input.attempt === 3 ? verdicts.pass : verdicts.fail),
      surgeon: () => surgeonAnswer({ ok: true, proposal: { action: 'retry', reason: 'close', guidance: 'Finish.' } }),
    });
    const output = await h.done();

    expect(output.outcome?.results.S1?.status).toBe('merged');
    // The second run's review rounds start again at 1; the turn each review judges numbers on.
    expect(h.critics.calls.map((c) => [c.input.round, c.input.attempt])).toEqual([
      [1, 1],
      [2, 2],
      [1, 3],
    ]);
  });

  it('fails at the first failing verdict when review.maxRounds is 0', async () => {
    const h = startRun({ stories: [story('S1')], limits: { ...limits, reviewRounds: 0 }, critic: () => verdicts.fail });
    const output = await h.done();
    expect(output.outcome?.results.S1?.status).toBe('failed');
    expect(h.agents.of('S1')).toHaveLength(1);
  });

  it("gives the Critic the agent's denied tool calls as evidence", async () => {
    const h = startRun({
      stories: [story('S1')],
      agent: () => ({
        events: [
          sessionEvent('S1'),
          { type: 'agent.denied', tool: 'Bash', message: 'This command requires approval', rule: 'Bash(make lint)' },
        ],
        outcome: { kind: 'denied', denials: [{ tool: 'Bash' }] },
      }),
    });
    await h.done();
    expect(h.critics.calls[0]?.input.denials).toEqual(['Bash(make lint)']);
  });

  it('never turns a failing Critic call into a pass: backs off, then fails the story', async () => {
    const h = startRun({
      stories: [story('S1')],
      limits: { ...limits, transientRetries: 1 },
      critic: () => outcomes.transient,
    });
    const output = await h.done();

    expect(output.outcome?.results.S1).toMatchObject({ status: 'failed' });
    expect(output.outcome?.results.S1?.reason).toContain('the Critic could not review');
    expect(h.critics.calls).toHaveLength(2);
    expect(h.emitted('critic.retry')).toHaveLength(1);
    expect(h.git.calls.some((c) => c.op.kind === 'story.merge')).toBe(false);
  });

  it('asks again when the answer is no verdict, and merges on the verdict that follows', async () => {
    const h = startRun({
      stories: [story('S1')],
      critic: (input) => (input.call === 1 ? outcomes.ok : verdicts.pass),
    });
    const output = await h.done();
    expect(output.outcome?.results.S1?.status).toBe('merged');
    expect(h.critics.calls.map((c) => c.input.call)).toEqual([1, 2]);
  });

  it('pauses the schedule while the Critic waits for a usage limit, then reviews and merges', async () => {
    const resetsAt = NOW / 1000 + 3600;
    const h = startRun({
      stories: [story('S1'), story('S2'), story('S3')],
      parallel: 1,
      holdSleep: true,
      agent: (input) =>
        input.storyId === 'S2'
          ? { events: [sessionEvent('S2')], hold: true }
          : { events: [sessionEvent(input.storyId)], outcome: outcomes.ok },
      critic: (input) => (input.storyId === 'S1' && input.call === 1 ? outcomes.usageLimit(resetsAt) : verdicts.pass),
    });
    await h.settle();
    // S2 took the slot S1's agent let go of; once it lets go too, no agent starts during the pause (S3 waits readied).
    h.agents.current('S2').exit(outcomes.ok);
    await h.settle();

    expect(h.story('S1').value).toBe('reviewing');
    expect(h.conductor().context.paused).toEqual({ S1: resetsAt * 1000 + 60_000 });
    expect(h.story('S3').value).toBe('awaitingSlot');
    expect(h.agents.of('S3')).toEqual([]);
    expect(h.emitted('story.merged').map((e) => e.storyId)).not.toContain('S1');

    h.sleeps.pending()[0]?.wake();
    const output = await h.done();
    expect(output.outcome?.status).toEqual({ S1: 'merged', S2: 'merged', S3: 'merged' });
    expect(h.emitted('quota.paused')).toMatchObject([{ storyId: 'S1' }]);
    expect(h.emitted('quota.resumed')).toMatchObject([{ storyId: 'S1' }]);
  });
});

describe('integration gate', () => {
  it("runs after a level that merged, and its failed output reaches the Conductor's context", async () => {
    const failed = { status: 'failed' as const, results: [checkResult('make test', 'failed', 'boom')] };
    const levels: number[] = [];
    const h = startRun({
      stories: [story('S1'), story('S2', ['S1'])],
      gate: (level) => {
        levels.push(level);
        return level === 0 ? failed : { status: 'passed', results: [checkResult('make test', 'passed')] };
      },
    });
    await h.settle();
    expect(levels[0]).toBe(0);
    await h.done();
    expect(levels).toEqual([0, 1]);
    expect(h.conductor().context.gate).toMatchObject({ status: 'passed' });
  });

  it('records a failing gate as the Conductor leaves the level', async () => {
    const failed = { status: 'failed' as const, results: [checkResult('make test', 'failed', 'boom')] };
    const h = startRun({ stories: [story('S1')], gate: () => failed });
    await h.done();
    expect(h.conductor().context.gate).toEqual(failed);
  });

  it('is skipped after a level that merged nothing', async () => {
    const levels: number[] = [];
    const h = startRun({
      stories: [story('S1')],
      agent: () => ({ outcome: outcomes.error }),
      gate: (level) => {
        levels.push(level);
        return { status: 'passed', results: [] };
      },
    });
    await h.done();
    expect(levels).toEqual([]);
    expect(h.conductor().context.gate).toBeUndefined();
  });
});
