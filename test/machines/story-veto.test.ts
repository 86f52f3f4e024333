// The story's veto hook: entered after a passing verdict when participants are sent `story.merging`; a veto fails
// the story with the participant's reason, a cleared hook merges, and the hook's timeout merges without an answer.
import { describe, expect, it, vi } from 'vitest';
import { startRun, story } from './harness.js';

const HOOKED = { transientRetries: 2, conflictRounds: 2, reviewRounds: 2, vetoTimeoutMs: 60_000 };

async function atHook() {
  const h = startRun({ stories: [story('S1')], limits: HOOKED });
  await h.settle();
  expect(h.story('S1').value).toBe('awaitingVeto');
  expect(h.emitted('story.merging')).toEqual([
    { type: 'story.merging', storyId: 'S1', sha: 'c-S1', files: ['S1.txt'] },
  ]);
  return h;
}

describe('story: the veto hook', () => {
  it('goes straight from a passing verdict to merging when no participant is sent story.merging', async () => {
    const h = startRun({ stories: [story('S1')] });
    await h.done();
    expect(h.emitted('story.merging')).toEqual([]);
    expect(h.story('S1').value).toBe('done');
  });

  it('fails the story with the participant and its reason on a veto, and never merges it', async () => {
    const h = await atHook();
    h.actor.system.get('story:S1')?.send({ type: 'story.veto', by: 'gatekeeper', reason: 'not before the release' });
    const output = await h.done();
    expect(output.outcome?.results['S1']).toMatchObject({
      status: 'failed',
      reason: 'vetoed by gatekeeper: not before the release',
    });
    expect(h.git.calls.map((call) => call.op.kind)).not.toContain('story.merge');
  });

  it('merges once the hook is cleared', async () => {
    const h = await atHook();
    h.actor.system.get('story:S1')?.send({ type: 'story.veto.cleared' });
    const output = await h.done();
    expect(output.outcome?.status).toEqual({ S1: 'merged' });
  });

  it('merges when nobody answers before the hook times out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const h = await atHook();
      vi.advanceTimersByTime(HOOKED.vetoTimeoutMs);
      const output = await h.done();
      expect(output.outcome?.status).toEqual({ S1: 'merged' });
    } finally {
      vi.useRealTimers();
    }
  });
});
