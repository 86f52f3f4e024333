// An agent that leaves its worktree off its story branch must not have its work reported merged and lost.
import { describe, expect, it } from 'vitest';
import type { FakeScript } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan } from './helpers.js';

useGitSandbox();

async function fileOnBranch(repo: string, ref: string): Promise<string | undefined> {
  return git(repo, 'show', ref).catch(() => undefined);
}

describe('an agent that moves its worktree off the story branch', () => {
  it('switched to a branch of its own: the work reaches the run branch', async () => {
    const repo = await makeTempRepo();
    const scripts: FakeScript[] = [
      { match: { storyId: 'A' }, steps: [{ bash: 'git switch -q -c my-side-branch' }, { write: 'src/A.txt', content: 'A\n' }] },
    ];
    const run = await runPlan(repo, planOf('Switch demo', [{ id: 'A' }]), { scripts });
    expect(run.result.exitCode).toBe(0);
    expect(await fileOnBranch(repo, 'baro/switch-demo:src/A.txt')).toBe('A');
  });

  it('went back to a commit before its own: the story fails instead of reporting nothing merged as merged', async () => {
    const repo = await makeTempRepo();
    const scripts: FakeScript[] = [
      {
        match: { storyId: 'A' },
        steps: [
          { write: 'src/first.txt', content: 'first\n' },
          { bash: "git add -A && git commit -qm 'A: first' && git switch -q --detach HEAD~1" },
          { write: 'src/A.txt', content: 'A\n' },
        ],
      },
    ];
    const run = await runPlan(repo, planOf('Diverge demo', [{ id: 'A' }]), { scripts });
    expect(run.result.exitCode).toBe(1);
    expect(eventsOf(run.events, 'story.failed')[0]?.reason).toContain('off its branch');
  });

  it('detached its HEAD: the work reaches the run branch', async () => {
    const repo = await makeTempRepo();
    const scripts: FakeScript[] = [
      { match: { storyId: 'A' }, steps: [{ bash: 'git switch -q --detach' }, { write: 'src/A.txt', content: 'A\n' }] },
    ];
    const run = await runPlan(repo, planOf('Detach demo', [{ id: 'A' }]), { scripts });
    expect(run.result.exitCode).toBe(0);
    expect(await fileOnBranch(repo, 'baro/detach-demo:src/A.txt')).toBe('A');
  });
});
