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
      {
        match: { storyId: 'A' },
        steps: [{ bash: 'git switch -q -c my-side-branch' }, { write: 'src/A.txt', content: 'A\n' }],
      },
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

describe('a resolver that ignores the rules', () => {
  it('keeps the edits of a resolver that ran git rebase --continue itself and left more changes', async () => {
    const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', 'shared.txt': 'greeting = hello\n' } });
    const plan = planOf('Resolver demo', [{ id: 'S1' }, { id: 'S2' }]);
    const scripts: FakeScript[] = [
      {
        match: { role: 'resolver' },
        steps: [
          { write: 'shared.txt', content: 'greeting = hello from S1 and S2\n' },
          { bash: 'git add -A && GIT_EDITOR=true git rebase --continue' },
          { write: 'extra.txt', content: 'left behind\n' },
        ],
      },
      { match: { storyId: 'S1' }, steps: [{ edit: 'shared.txt', old: 'hello', new: 'hello from S1' }, { sleep: 300 }] },
      {
        match: { storyId: 'S2' },
        steps: [{ sleep: 100 }, { edit: 'shared.txt', old: 'hello', new: 'hello from S2' }, { sleep: 300 }],
      },
    ];
    const run = await runPlan(repo, plan, { scripts });

    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'story.conflict')).toHaveLength(1);
    expect(await git(repo, 'show', 'baro/resolver-demo:shared.txt')).toBe('greeting = hello from S1 and S2');
    expect(await git(repo, 'show', 'baro/resolver-demo:extra.txt')).toBe('left behind');
  });
});

describe('an agent that leaves a merge of its own unfinished', () => {
  it('fails the story instead of committing conflict markers, and leaves the worktree as it is', async () => {
    const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', 'shared.txt': 'base\n' } });
    const merge = [
      'git switch -q -c side && echo side > shared.txt && git commit -qam side',
      'git switch -q - && echo mine > shared.txt && git commit -qam mine',
      'git merge side; true',
    ].join(' && ');
    const run = await runPlan(repo, planOf('Half merge', [{ id: 'A' }, { id: 'B' }]), {
      scripts: [
        { match: { storyId: 'A' }, steps: [{ bash: merge }] },
        { match: { storyId: 'B' }, steps: [{ write: 'b.txt', content: 'b\n' }] },
      ],
    });

    expect(run.result.exitCode).toBe(1);
    const failed = eventsOf(run.events, 'story.failed')[0];
    expect(failed).toMatchObject({ storyId: 'A', reason: expect.stringContaining('git merge unfinished') });
    expect(await git(repo, 'show', 'baro/half-merge:shared.txt')).toBe('base');
    expect(await git(repo, 'show', 'baro/half-merge:b.txt')).toBe('b');
    expect(eventsOf(run.events, 'run.error')[0]?.message).toContain('A (a git merge is unfinished');
  });
});
