// The end of a run: one failed story whose leftovers cannot be committed must not stop the cleanup of the others; a run
// kept local deletes each level's merged branches as the next level starts, and says so truly at the end.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readInvocations } from '../fake-claude/scenario.js';
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

  it("deletes a level's merged branches as the next starts, reuses their worktrees, and reports every one deleted", async () => {
    const repo = await makeTempRepo();
    const write = (id: string): FakeScript => ({
      match: { storyId: id },
      steps: [{ write: `src/${id}.txt`, content: id }],
    });
    // C notes the story branches there are while it runs, once A's and B's are gone (nobody waits for their deletion).
    const branches = "git for-each-ref --format='%(refname:lstrip=-1)' refs/heads/baro-stories";
    const listBranches: FakeScript = {
      match: { storyId: 'C' },
      steps: [
        { bash: `for i in $(seq 100); do [ "$(${branches})" = C ] && break; sleep 0.1; done; ${branches} > src/C.txt` },
      ],
    };
    const plan = planOf('Two levels', [{ id: 'A' }, { id: 'B' }, { id: 'C', dependsOn: ['A', 'B'] }]);
    const run = await runPlan(repo, plan, { scripts: [write('A'), write('B'), listBranches] }, ['--parallel', '2']);

    expect(run.result.exitCode).toBe(0);
    expect(
      eventsOf(run.events, 'story.merged')
        .map((e) => e.storyId)
        .sort(),
    ).toEqual(['A', 'B', 'C']);
    // C ran in a worktree of the first level's, whose branch was already deleted.
    const cwdOf = (id: string) =>
      readInvocations(run.fake.logPath).find((i) => i.env.BARO_STORY_ID === id && i.env.BARO_ROLE !== 'critic')?.cwd;
    expect([cwdOf('A'), cwdOf('B')]).toContain(cwdOf('C'));
    expect(await git(repo, 'show', 'baro/two-levels:src/C.txt')).toBe('C');
    expect(await git(repo, 'branch', '--list', 'baro-stories/*')).toBe('');
    const report = eventsOf(run.events, 'run.completed')[0]?.report;
    expect(await readFile(String(report), 'utf8')).toContain("3 of 3 merged stories' branches were deleted");
  });
});
