// The story's settingUp state: entered only when the config has worktree setup, and its failure ends the story.
import { describe, expect, it } from 'vitest';
import { SETUP_NOT_REPLANNED } from '../../machines/conductor-replan.js';
import { outcomes, startRun, story } from './harness.js';

describe('story: worktree setup', () => {
  it('skips settingUp when nothing is configured', async () => {
    const h = startRun({ stories: [story('S1')] });
    const output = await h.done();
    expect(h.setups.calls).toEqual([]);
    expect(output.outcome?.status).toEqual({ S1: 'merged' });
    expect(h.emitted('story.setup')).toEqual([]);
  });

  it('sets up each story once, after its worktree and before its agent', async () => {
    const h = startRun({ stories: [story('S1'), story('S2', ['S1'])], worktreeSetup: true });
    const output = await h.done();
    expect(h.setups.calls.map((call) => call.storyId)).toEqual(['S1', 'S2']);
    expect(h.emitted('story.setup')).toEqual([
      { type: 'story.setup', storyId: 'S1' },
      { type: 'story.setup', storyId: 'S2' },
    ]);
    expect(output.outcome?.status).toEqual({ S1: 'merged', S2: 'merged' });
  });

  it('waits in settingUp with no agent running', async () => {
    const h = startRun({ stories: [story('S1')], worktreeSetup: true, holdSetup: true });
    await h.settle();
    expect(h.story('S1').value).toBe('settingUp');
    expect(h.agents.turns).toEqual([]);
  });

  it('fails the story with the setup output when a command fails, and blocks its dependents', async () => {
    const h = startRun({ stories: [story('S1'), story('S2', ['S1'])], worktreeSetup: true, holdSetup: true });
    await h.settle();
    const reason = 'worktree setup command `npm ci` exited with code 1:\nnpm ERR! missing package-lock.json';
    h.setups.pending()[0]?.answer({ kind: 'failed', reason });
    const output = await h.done();
    expect(h.agents.turns).toEqual([]);
    expect(h.emitted('story.failed')).toEqual([{ type: 'story.failed', storyId: 'S1', reason }]);
    expect(output.outcome?.status).toEqual({ S1: 'failed', S2: 'blocked' });
  });

  it('fails the story when the setup itself throws', async () => {
    const h = startRun({ stories: [story('S1')], worktreeSetup: true, holdSetup: true });
    await h.settle();
    h.setups.pending()[0]?.answer(new Error('EACCES: permission denied, copyfile .env'));
    const output = await h.done();
    expect(output.outcome?.results.S1?.reason).toBe('worktree setup failed: EACCES: permission denied, copyfile .env');
  });

  it('sends no setup failure to the Surgeon: the configuration fails, and no replan of the story can fix it', async () => {
    const h = startRun({
      stories: [story('S1'), story('S2'), story('S3', ['S1', 'S2'])],
      worktreeSetup: true,
      holdSetup: true,
      replanBudget: 3,
      agent: () => ({ outcome: outcomes.error }),
      surgeon: () => new Error('the Surgeon was asked'),
    });
    const failed = { kind: 'failed', reason: 'worktree setup command `npm ci` exited with code 1' } as const;
    // S2's agent fails too, and the Surgeon's fixed policy sends it back: its setups are answered as they come.
    for (let round = 0; round < 8; round += 1) {
      await h.settle();
      for (const call of h.setups.pending()) call.answer(call.storyId === 'S1' ? failed : { kind: 'ok' });
    }
    const output = await h.done();
    expect(output.outcome?.results.S1?.failedIn).toBe('setup');
    expect(output.outcome?.results.S2?.failedIn).toBeUndefined();
    const asked = h.surgeon.turns().map((t) => t.case.kind === 'story' && t.case.story.id);
    expect(new Set(asked)).toEqual(new Set(['S2']));
    expect(h.emitted('replan.skipped')).toContainEqual({
      type: 'replan.skipped',
      level: 0,
      cause: { kind: 'story', storyId: 'S1', reason: 'worktree setup command `npm ci` exited with code 1' },
      reason: SETUP_NOT_REPLANNED,
    });
  });
});
