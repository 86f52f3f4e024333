// Publishing end to end: the fake claude, real git with a local bare remote behind a github.com URL, a fake GitHub.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeScript } from '../fake-claude/scenario.js';
import { runBaro } from '../helpers/cli.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { makeGitHubRepo, TOKEN, useFakeGitHubCleanup } from './github.js';
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
const storyBranches = async (repo: string) =>
  git(repo, 'branch', '--list', 'baro-stories/*', '--format=%(refname:short)');

describe('baro run publishes', () => {
  // Several whole runs one after the other: a busy machine needs more than the default 30 s.
  it(
    'pushes the branch and opens one PR; a second run on the same plan branch continues it and updates that PR',
    { timeout: 120_000 },
    async () => {
      const { repo, bare, github, env } = await makeGitHubRepo();
      const first = await runPlan(repo, widgets(['A', 'B']), { scripts: [work('A'), work('B')] }, ['--draft'], {
        push: true,
        env,
      });

      expect(first.result.stderr).toBe('');
      expect(first.result.exitCode).toBe(0);
      const completed = eventsOf(first.events, 'run.completed')[0];
      expect(completed).toMatchObject({
        status: 'succeeded',
        branch: 'baro/widgets',
        prUrl: 'https://github.com/acme/widgets/pull/1',
        publish: { pushed: true, pr: 'opened' },
      });
      expect(await git(bare, 'rev-parse', 'refs/heads/baro/widgets')).toBe(
        await git(repo, 'rev-parse', 'baro/widgets'),
      );
      for (const id of ['A', 'B']) expect(await git(bare, 'show', `baro/widgets:src/${id}.txt`)).toBe(id);
      // Pushed as with git push -u: the local branch tracks origin's.
      expect(await git(repo, 'rev-parse', '--symbolic-full-name', 'baro/widgets@{upstream}')).toBe(
        'refs/remotes/origin/baro/widgets',
      );
      expect(github.pulls).toHaveLength(1);
      const pull = github.pulls[0];
      expect(pull).toMatchObject({ head: 'baro/widgets', base: 'main', title: 'Add widgets', draft: true });
      expect(pull?.body).toContain('## Stories');
      expect(pull?.body).toMatch(/\| A \| story A \| merged \| 1 \| pass \(round 1\) \| .+ \| `[0-9a-f]{8}` \|/);
      expect(pull?.body).toContain('## Timing');
      expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
      const reportPath = completed?.report as string;
      expect(await readFile(reportPath, 'utf8')).toBe(`# Add widgets\n\n${pull?.body ?? ''}`);
      // The report's figures are the event's: Σ agent time of the stories, over the same wall time.
      const timing = completed?.timing as { wallMs: number; agentMsTotal: number };
      const stories = completed?.stories as { agentMs: number }[];
      expect(timing.agentMsTotal).toBe(stories.reduce((sum, s) => sum + s.agentMs, 0));
      expect(pull?.body).toContain(
        `| speedup (agent time ÷ wall time) | ${(timing.agentMsTotal / timing.wallMs).toFixed(2)}× |`,
      );
      expect(await storyBranches(repo)).toBe('');

      const before = await git(bare, 'rev-parse', 'refs/heads/baro/widgets');
      const second = await runPlan(repo, widgets(['C']), { scripts: [work('C')] }, [], { push: true, env });

      expect(second.result.exitCode).toBe(0);
      expect(eventsOf(second.events, 'run.completed')[0]).toMatchObject({
        branch: 'baro/widgets',
        prUrl: 'https://github.com/acme/widgets/pull/1',
        publish: { pushed: true, pr: 'updated' },
      });
      expect(eventsOf(second.events, 'branch.created')[0]).toEqual(
        expect.objectContaining({ branch: 'baro/widgets', continuedFrom: before }),
      );
      expect(eventsOf(first.events, 'branch.created')[0]).not.toHaveProperty('continuedFrom');
      expect(eventsOf(second.events, 'branch.pushed')[0]).toMatchObject({ rebased: false });
      // A fast-forward: the first run's head is below the second's, and every story is on the branch.
      await git(bare, 'merge-base', '--is-ancestor', before, 'refs/heads/baro/widgets');
      for (const id of ['A', 'B', 'C']) expect(await git(bare, 'show', `baro/widgets:src/${id}.txt`)).toBe(id);
      expect(github.pulls).toHaveLength(1);
      expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
      expect(github.pulls[0]?.body).toContain('| C | story C | merged |');
      expect(github.pulls[0]?.body).toContain('continuing it from');
      expect(github.pulls[0]?.body).toContain('## Earlier runs on this branch');
      expect(github.pulls[0]?.body).toMatch(/2 of 2 stories merged — A, B/);
    },
  );

  it("takes the next free name when the goal's branch is another clone's on the remote, leaving that one as it is", async () => {
    const { repo, bare, github, env } = await makeGitHubRepo();
    // Another clone's run of the same goal pushed baro/add-widgets; this clone never fetched it.
    await git(bare, 'branch', 'baro/add-widgets', 'main');
    const theirs = await git(bare, 'rev-parse', 'refs/heads/baro/add-widgets');
    const goalOnly = planOf('Add widgets', [{ id: 'A' }]);
    const run = await runPlan(repo, goalOnly, { scripts: [work('A')] }, ['--no-pr'], { push: true, env });

    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'branch.created')[0]).toEqual(
      expect.not.objectContaining({ continuedFrom: expect.anything() as unknown }),
    );
    expect(eventsOf(run.events, 'branch.created')[0]).toMatchObject({ branch: 'baro/add-widgets-2' });
    expect(eventsOf(run.events, 'branch.pushed')[0]).toMatchObject({ branch: 'baro/add-widgets-2', rebased: false });
    expect(await git(bare, 'rev-parse', 'refs/heads/baro/add-widgets')).toBe(theirs);
    expect(await git(bare, 'show', 'baro/add-widgets-2:src/A.txt')).toBe('A');
    expect(github.pulls).toHaveLength(0);
  });

  it('without a token pushes the branch, skips the PR with the reason and exits 0', async () => {
    const { repo, bare, github, env } = await makeGitHubRepo({ token: false });
    const run = await runPlan(repo, widgets(['A']), { scripts: [work('A')] }, [], { push: true, env });

    expect(run.result.exitCode).toBe(0);
    const completed = eventsOf(run.events, 'run.completed')[0];
    expect(completed).toMatchObject({ status: 'succeeded', prUrl: null, publish: { pushed: true, pr: 'skipped' } });
    expect((completed?.publish as { reason: string }).reason).toContain('GITHUB_TOKEN');
    expect(completed?.error).toBeUndefined();
    expect(await git(bare, 'show', 'baro/widgets:src/A.txt')).toBe('A');
    expect(github.requests).toHaveLength(0);
  });

  it('a partial run opens a Checkpoint PR saying what is missing, and keeps the failed story’s branch', async () => {
    const { repo, github, env } = await makeGitHubRepo();
    const plan = planOf('Half widgets', [{ id: 'A' }, { id: 'B' }, { id: 'C', dependsOn: ['B'] }]);
    const scripts: FakeScript[] = [
      work('A'),
      { match: { storyId: 'B' }, steps: [{ write: 'src/B.txt', content: 'half\n' }], result: { type: 'max_turns' } },
    ];
    const run = await runPlan(repo, plan, { scripts }, [], { push: true, env });

    expect(run.result.exitCode).toBe(1);
    expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({
      status: 'partial',
      publish: { pushed: true, pr: 'opened' },
    });
    const pull = github.pulls[0];
    expect(pull?.title).toBe('Checkpoint: Half widgets');
    expect(pull?.body).toContain('## What is missing');
    expect(pull?.body).toContain('**C** story C: not started, blocked by B.');
    const kept = (await storyBranches(repo)).split('\n');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/\/B$/);
    expect(pull?.body).toContain(`Its work is kept on \`${kept[0] ?? ''}\``);
  });

  it('--no-pr pushes without calling GitHub; --keep-branches keeps merged stories’ branches', async () => {
    const { repo, bare, github, env } = await makeGitHubRepo();
    const run = await runPlan(repo, widgets(['A']), { scripts: [work('A')] }, ['--no-pr', '--keep-branches'], {
      push: true,
      env,
    });

    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({
      publish: { pushed: true, pr: 'skipped', reason: '--no-pr' },
    });
    expect(await git(bare, 'show', 'baro/widgets:src/A.txt')).toBe('A');
    expect(github.requests).toHaveLength(0);
    expect(await storyBranches(repo)).toMatch(/\/A$/);
  });

  it('prints the report at the end of a run without --json, the same as report.md, before the outcome line', async () => {
    const repo = await makeTempRepo();
    const dir = dirname(repo);
    const plan = join(dir, 'plan.json');
    await writeFile(plan, JSON.stringify(widgets(['A'])));
    const fake = setupFakeClaude(dir, { scripts: [work('A')] });
    const home = join(dir, 'baro-home');
    const env = { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: home };
    const run = await runBaro(['run', '--plan', plan, '--no-push', '--yes'], { cwd: repo, env });

    expect(run.exitCode).toBe(0);
    const reports = (await readdir(home, { recursive: true })).filter((path) => path.endsWith('report.md'));
    expect(reports).toHaveLength(1);
    const report = await readFile(join(home, reports[0] ?? ''), 'utf8');
    expect(report).toMatch(/^# Add widgets\n\n## Goal/);
    const printed = run.stdout.indexOf(report);
    expect(printed).toBeGreaterThan(0);
    expect(run.stdout.indexOf('run succeeded')).toBeGreaterThan(printed);
  });
});
