// One failed story whose leftovers cannot be committed must not stop the end-of-run cleanup of the others.
import { describe, expect, it } from 'vitest';
import type { FakeScript } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan } from './helpers.js';

useGitSandbox();

describe('the end-of-run cleanup', () => {
  it("keeps every other failed story's work and lets go of the worktrees when one salvage fails", async () => {
    const repo = await makeTempRepo();
    const scripts: FakeScript[] = [
      { match: { storyId: 'A' }, steps: [{ write: 'src/A.txt', content: 'A\n' }] },
      // An empty repository inside the worktree: `git add -A` refuses it, so B's commit and its salvage both fail.
      { match: { storyId: 'B' }, steps: [{ bash: 'git init -q sub' }, { write: 'src/B.txt', content: 'B\n' }] },
      {
        match: { storyId: 'C' },
        steps: [{ sleep: 300 }, { write: 'src/C.txt', content: 'half\n' }],
        result: { type: 'max_turns' },
      },
    ];
    const run = await runPlan(repo, planOf('Cleanup demo', [{ id: 'A' }, { id: 'B' }, { id: 'C' }]), { scripts }, [
      '--parallel',
      '3',
    ]);

    expect(run.result.exitCode).toBe(1);
    expect(eventsOf(run.events, 'story.merged').map((e) => e.storyId)).toEqual(['A']);
    const branches = (await git(repo, 'branch', '--list', '--format=%(refname:short)')).split('\n');
    const branchC = branches.find((b) => b.endsWith('/C'));
    expect(branchC).toBeDefined();
    expect(await git(repo, 'show', `${branchC}:src/C.txt`)).toBe('half');
    expect(eventsOf(run.events, 'run.error')[0]?.message).toContain('B (');
    const worktrees = await git(repo, 'worktree', 'list', '--porcelain');
    expect(worktrees).not.toContain('integration');
    expect(worktrees).not.toMatch(/worktrees\/[^/]+\/A\n/);
  });
});
