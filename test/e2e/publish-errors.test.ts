// Publishing when things go wrong: GitHub's refusals, and a remote branch that moved while the run worked.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeScript } from '../fake-claude/scenario.js';
import type { FakeGitHubOptions } from '../fake-github/server.js';
import { moveRemoteOnEveryFetch, pushFromElsewhere } from '../helpers/remote.js';
import { git, useGitSandbox } from '../helpers/repo.js';
import { makeGitHubRepo, useFakeGitHubCleanup } from './github.js';
import { eventsOf, planOf, runPlan } from './helpers.js';

useGitSandbox();
useFakeGitHubCleanup();

const work = (id: string): FakeScript => ({
  match: { storyId: id },
  steps: [{ write: `src/${id}.txt`, content: `${id}\n` }],
});
const widgets = (ids: readonly string[]) => ({
  ...planOf(
    'Add widgets',
    ids.map((id) => ({ id })),
  ),
  branch: 'widgets',
});

describe('GitHub refusing the pull request', () => {
  it.each<[number, Partial<FakeGitHubOptions>, Record<string, string>, readonly string[]]>([
    [401, {}, { GITHUB_TOKEN: 'wrong' }, ['GITHUB_TOKEN', 'gh auth login']],
    [403, { readOnly: true }, {}, ['"repo"', 'Pull requests: read and write']],
    [404, { owner: 'someone-else' }, {}, ['acme/widgets', 'git remote get-url origin']],
    [422, { branches: ['develop'] }, {}, ["base branch 'main'", '--base BRANCH']],
  ])('%d: a message naming what to fix, exit 1, the branch still pushed', async (status, github, extraEnv, words) => {
    const setup = await makeGitHubRepo({ github });
    const run = await runPlan(setup.repo, widgets(['A']), { scripts: [work('A')] }, ['--base', 'main'], {
      push: true,
      env: { ...setup.env, ...extraEnv },
    });

    expect(run.result.exitCode).toBe(1);
    const completed = eventsOf(run.events, 'run.completed')[0];
    expect(completed).toMatchObject({ status: 'succeeded', prUrl: null, publish: { pushed: true, pr: 'failed' } });
    const error = completed?.error as string;
    expect(error).toContain(String(status));
    for (const word of words) expect(error).toContain(word);
    expect(await git(setup.bare, 'show', 'baro/widgets:src/A.txt')).toBe('A');
  });
});

describe('a remote branch that moved', () => {
  // Several whole runs one after the other: a busy machine needs more than the default 30 s.
  it(
    'is fetched, rebased onto and pushed once more; a second rejection fails with the reason',
    { timeout: 120_000 },
    async () => {
      const { repo: dir, bare, env } = await makeGitHubRepo();
      const first = await runPlan(dir, widgets(['A']), { scripts: [work('A')] }, ['--no-pr'], { push: true, env });
      expect(first.result.exitCode).toBe(0);

      const theirs = await pushFromElsewhere(bare, 'baro/widgets', 'theirs.txt', 'theirs\n');
      const second = await runPlan(dir, widgets(['B']), { scripts: [work('B')] }, ['--no-pr'], { push: true, env });
      expect(second.result.exitCode).toBe(0);
      expect(eventsOf(second.events, 'branch.pushed')[0]).toMatchObject({ branch: 'baro/widgets', rebased: true });
      await git(bare, 'merge-base', '--is-ancestor', theirs, 'refs/heads/baro/widgets');
      for (const file of ['src/A.txt', 'src/B.txt', 'theirs.txt'])
        expect(await git(bare, 'cat-file', '-e', `baro/widgets:${file}`)).toBe('');

      await pushFromElsewhere(bare, 'baro/widgets', 'again.txt', 'again\n');
      await moveRemoteOnEveryFetch(dir, bare, 'baro/widgets');
      const third = await runPlan(dir, widgets(['C']), { scripts: [work('C')] }, ['--no-pr'], { push: true, env });
      expect(third.result.exitCode).toBe(1);
      const completed = eventsOf(third.events, 'run.completed')[0];
      expect(completed).toMatchObject({ publish: { pushed: false, pr: 'skipped' } });
      expect(completed?.error).toMatch(/rejected.*the second try/);
      // Nothing lost: C is merged on the local branch, and its story branch is kept since the push failed.
      expect(await git(dir, 'show', 'baro/widgets:src/C.txt')).toBe('C');
      expect(await git(dir, 'branch', '--list', 'baro-stories/*', '--format=%(refname:short)')).toMatch(/\/C$/);
    },
  );

  it(
    'runs the final gate again on the rebased branch before pushing it, and reports what it found',
    { timeout: 120_000 },
    async () => {
      const { repo: dir, bare, env } = await makeGitHubRepo();
      const first = await runPlan(dir, widgets(['A']), { scripts: [work('A')] }, ['--no-pr'], { push: true, env });
      expect(first.result.exitCode).toBe(0);

      // The remote's new commit breaks a check that passes on this run's own commits.
      await pushFromElsewhere(bare, 'baro/widgets', 'theirs.txt', 'theirs\n');
      const config = join(dirname(dir), 'gate.json');
      await writeFile(config, JSON.stringify({ verify: { commands: ['test ! -e theirs.txt'] } }));
      const second = await runPlan(dir, widgets(['B']), { scripts: [work('B')] }, ['--no-pr', '--config', config], {
        push: true,
        env,
      });

      expect(second.result.exitCode).toBe(1);
      const finals = eventsOf(second.events, 'verify.completed').filter((e) => e.scope === 'final');
      expect(finals.map((e) => e.status)).toEqual(['passed', 'failed']);
      const completed = eventsOf(second.events, 'run.completed')[0];
      expect(completed).toMatchObject({
        status: 'partial',
        finalGate: { status: 'failed', failed: ['test ! -e theirs.txt'] },
        publish: { pushed: true, pr: 'skipped' },
      });
      expect(eventsOf(second.events, 'branch.pushed')[0]).toMatchObject({ rebased: true });
      expect(await git(bare, 'cat-file', '-e', 'baro/widgets:src/B.txt')).toBe('');
      const report = await readFile(completed?.report as string, 'utf8');
      expect(report).toMatch(/^# Checkpoint: Add widgets/);
      expect(report).toContain('- The final gate failed: `test ! -e theirs.txt`.');
      expect(report).toContain('The final gate ran again on the rebased branch');
      // Its worktree is let go once the gate is done: only the user's checkout is left.
      expect((await git(dir, 'worktree', 'list', '--porcelain')).match(/^worktree /gm)).toHaveLength(1);
    },
  );
});
