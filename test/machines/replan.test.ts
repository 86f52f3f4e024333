import { describe, expect, it } from 'vitest';
import type { DagStory, StoryStatus } from '../../machines/dag.js';
import { replan } from '../../machines/replan.js';
import type { PlanProgress } from '../../machines/replan.js';

function story(id: string, dependsOn: string[] = [], acceptance = [`${id} works`]): DagStory {
  return { id, dependsOn, acceptance };
}

// S1 → S2 → S3, and S4 alone; S2 failed in level 1, so S3 is blocked; S4 runs now.
const stories = [story('S1'), story('S2', ['S1']), story('S3', ['S2']), story('S4', ['S1'])];
const status: Record<string, StoryStatus> = { S1: 'merged', S2: 'failed', S3: 'blocked', S4: 'running' };
const progress: PlanProgress<DagStory> = { stories, status, level: ['S4'] };

describe('replan', () => {
  it('adds stories as pending, and blocks at once one that needs a failed story', () => {
    const result = replan(progress, { stories: [story('S5', ['S1']), story('S6', ['S3'])], drop: [] });
    expect(result).toEqual({
      ok: true,
      stories: [...stories, story('S5', ['S1']), story('S6', ['S3'])],
      status: { ...status, S5: 'pending', S6: 'blocked' },
    });
  });

  it('retries a failed story under a new definition, and unblocks what waited on it', () => {
    const retried = { ...story('S2', ['S1']), acceptance: ['S2 works, this time with tests'] };
    const result = replan(progress, { stories: [retried], drop: [] });
    expect(result).toEqual({
      ok: true,
      stories: [stories[0], retried, stories[2], stories[3]],
      status: { S1: 'merged', S2: 'pending', S3: 'pending', S4: 'running' },
    });
  });

  it('splits a failed story: its parts run, its dependents are redefined onto them', () => {
    const change = {
      stories: [story('S2a', ['S1']), story('S2b', ['S2a']), story('S3', ['S2b'])],
      drop: [],
    };
    const result = replan(progress, change);
    expect(result.ok && result.status).toEqual({
      S1: 'merged',
      S2: 'failed',
      S3: 'pending',
      S4: 'running',
      S2a: 'pending',
      S2b: 'pending',
    });
  });

  it('drops a story that has not run', () => {
    const result = replan(progress, { stories: [], drop: ['S3'] });
    expect(result).toEqual({
      ok: true,
      stories: [stories[0], stories[1], stories[3]],
      status: { S1: 'merged', S2: 'failed', S4: 'running' },
    });
  });

  it('refuses to change what merged, runs, failed (when dropping) or belongs to the running level', () => {
    const result = replan(progress, { stories: [story('S1')], drop: ['S2', 'S4', 'S9'] });
    expect(result.ok ? [] : result.issues.map((issue) => [issue.storyId, issue.rule])).toEqual([
      ['S1', 'story-ran'],
      ['S2', 'story-ran'],
      ['S4', 'running-level'],
      ['S9', 'unknown-story'],
      ['S3', 'unknown-dependency'],
    ]);
  });

  it('refuses a change that breaks the graph rules, and one that both redefines and drops a story', () => {
    const cycle = replan(progress, { stories: [story('S5', ['S6']), story('S6', ['S5'])], drop: [] });
    expect(cycle.ok ? [] : cycle.issues.map((issue) => issue.rule)).toEqual(['cycle']);
    const dangling = replan(progress, { stories: [], drop: ['S2'] });
    expect(dangling.ok).toBe(false);
    const orphan = replan({ ...progress, status: { ...status, S2: 'pending' } }, { stories: [], drop: ['S2'] });
    expect(orphan.ok ? [] : orphan.issues.map((issue) => [issue.storyId, issue.rule])).toEqual([
      ['S3', 'unknown-dependency'],
    ]);
    const both = replan(progress, { stories: [story('S3', ['S1'])], drop: ['S3'] });
    expect(both.ok ? [] : both.issues.map((issue) => issue.rule)).toContain('redefined-and-dropped');
  });

  it('replaces a failed story, and refuses to replace one that has not failed or to leave a dependent on it', () => {
    const replaced = replan(progress, {
      stories: [story('S2a', ['S1']), story('S3', ['S2a'])],
      drop: [],
      replace: ['S2'],
    });
    expect(replaced.ok && replaced.status).toEqual({
      S1: 'merged',
      S2: 'replaced',
      S3: 'pending',
      S4: 'running',
      S2a: 'pending',
    });
    const notFailed = replan(progress, { stories: [], drop: [], replace: ['S1'] });
    expect(notFailed.ok ? [] : notFailed.issues.map((issue) => issue.rule)).toContain('not-failed');
    const orphan = replan(progress, { stories: [story('S2a', ['S1'])], drop: [], replace: ['S2'] });
    expect(orphan.ok ? [] : orphan.issues.map((issue) => [issue.storyId, issue.rule])).toEqual([
      ['S3', 'depends-on-replaced'],
    ]);
  });

  it('leaves the running level as it is, a blocked story of it included', () => {
    const running: PlanProgress<DagStory> = { stories, status, level: ['S3', 'S4'] };
    const retried = replan(running, { stories: [story('S2', ['S1'])], drop: [] });
    expect(retried.ok && retried.status).toEqual({ S1: 'merged', S2: 'pending', S3: 'blocked', S4: 'running' });
  });
});
