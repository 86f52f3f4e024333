// Stories readied ahead of a free slot: their worktree (and setup) ready while every slot has an agent at work.
import { describe, expect, it } from 'vitest';
import type { GitOp } from '../../machines/types.js';
import { outcomes, sessionEvent, startRun, story } from './harness.js';

const storyOf = (op: GitOp) => ('storyId' in op ? op.storyId : undefined);
const independent = (n: number) => Array.from({ length: n }, (_, i) => story(`S${i + 1}`));

describe('conductor: stories readied ahead', () => {
  it('readies as many stories ahead as there are slots once those with a slot have their agents at work, and gives them the freed slots', async () => {
    const h = startRun({
      stories: independent(6),
      parallel: 2,
      agent: (input) => ({ events: [sessionEvent(input.storyId)], hold: true }),
      holdGit: (op) => op.kind === 'story.worktree',
    });
    const worktreeAsked = () => h.git.calls.filter((c) => c.op.kind === 'story.worktree').map((c) => storyOf(c.op));
    const answerWorktree = async () => {
      const call = h.git.held();
      call.answer({ kind: 'worktree', path: `/wt/${storyOf(call.op) ?? ''}` });
      await h.settle();
    };
    await h.settle();
    // S1 and S2 have the slots and wait for their worktrees: the stories after them wait too, not to slow them down.
    expect(worktreeAsked()).toEqual(['S1']);
    await answerWorktree();
    expect(worktreeAsked()).toEqual(['S1', 'S2']);
    await answerWorktree();
    expect(h.agents.alive().map((t) => t.storyId)).toEqual(['S1', 'S2']);
    expect(worktreeAsked()).toEqual(['S1', 'S2', 'S3']);
    await answerWorktree();
    await answerWorktree();
    expect(worktreeAsked()).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(h.conductor().context.ahead).toEqual(['S3', 'S4']);
    expect([h.story('S3').value, h.story('S4').value]).toEqual(['awaitingSlot', 'awaitingSlot']);
    expect(h.spawned('S5')).toBe(false);

    // S1's agent is done: S3, ready, runs in its slot at once, and S5 readies in its place.
    h.agents.current('S1').exit(outcomes.ok);
    await h.settle();
    expect(h.agents.alive().map((t) => t.storyId)).toEqual(['S2', 'S3']);
    expect(h.conductor().context.ahead).toEqual(['S4', 'S5']);
    expect(worktreeAsked()).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);

    // S2's agent is done while S5 still waits for its worktree: the slot goes to S4, ready first, and S6 readies too.
    h.agents.current('S2').exit(outcomes.ok);
    await h.settle();
    expect(h.agents.alive().map((t) => t.storyId)).toEqual(['S3', 'S4']);
    expect(h.conductor().context.ahead).toEqual(['S5', 'S6']);
    await answerWorktree();
    expect(worktreeAsked()).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']);

    for (let i = 0; i < 6 && h.agents.alive().length + h.git.calls.filter((c) => !c.answered).length > 0; i += 1) {
      if (h.git.calls.some((c) => !c.answered)) await answerWorktree();
      h.agents.alive()[0]?.exit(outcomes.ok);
      await h.settle();
    }
    const output = await h.done();
    expect(h.agents.maxAlive()).toBe(2);
    expect(Object.values(output.outcome?.status ?? {})).toEqual(Array(6).fill('merged'));
  });

  it('readies no story ahead while a story with a slot sets up its worktree, and then sets up those it readies', async () => {
    const h = startRun({
      stories: independent(3),
      parallel: 1,
      agent: (input) => ({ events: [sessionEvent(input.storyId)], hold: true }),
      worktreeSetup: true,
      holdSetup: true,
    });
    await h.settle();
    expect(h.story('S1').value).toBe('settingUp');
    expect(h.spawned('S2')).toBe(false);
    h.setups.pending()[0]?.answer({ kind: 'ok' });
    await h.settle();
    expect(h.agents.alive().map((t) => t.storyId)).toEqual(['S1']);
    expect(h.story('S2').value).toBe('settingUp');
    h.setups.pending()[0]?.answer({ kind: 'ok' });
    await h.settle();
    expect(h.story('S2').value).toBe('awaitingSlot');
    expect(h.spawned('S3')).toBe(false);
  });
});
