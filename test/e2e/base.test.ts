// A run that cannot find its base is bad input (exit 2) before anything is created, with a message that fits.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBaro } from '../helpers/cli.js';
import { git, isolatedGitEnv, makeTempDir, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf, runPlan } from './helpers.js';

useGitSandbox();

const plan = planOf('Base demo', [{ id: 'A' }]);
const scripts = [{ steps: [{ write: 'src/A.txt', content: 'A\n' }] }];

describe('the base of a run', () => {
  it('--base naming no branch exits 2 and names it', async () => {
    const repo = await makeTempRepo();
    const run = await runPlan(repo, plan, { scripts }, ['--base', 'no-such-branch']);
    expect(run.result.stderr).toContain('no-such-branch');
    expect(run.result.exitCode).toBe(2);
  });

  it('a detached HEAD with no remote exits 2 and asks for --base', async () => {
    const repo = await makeTempRepo();
    await git(repo, 'switch', '--quiet', '--detach');
    const run = await runPlan(repo, plan, { scripts });
    expect(run.result.stderr).toContain('--base');
    expect(run.result.exitCode).toBe(2);
  });

  it('a repository without commits exits 2', async () => {
    const repo = join(await makeTempDir(), 'repo');
    await mkdir(repo);
    await git(repo, 'init', '--quiet', '--initial-branch=main');
    const run = await runPlan(repo, plan, { scripts });
    expect(run.result.exitCode).toBe(2);
  });

  it('a base that exists only on origin is used', async () => {
    const repo = await makeTempRepo();
    const bare = join(await makeTempDir(), 'origin.git');
    await git(repo, 'init', '--quiet', '--bare', bare);
    await git(repo, 'remote', 'add', 'origin', bare);
    await git(repo, 'switch', '--quiet', '-c', 'release');
    await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'release only');
    await git(repo, 'push', '--quiet', 'origin', 'release');
    await git(repo, 'switch', '--quiet', 'main');
    await git(repo, 'branch', '--quiet', '-D', 'release');
    const run = await runPlan(repo, plan, { scripts }, ['--base', 'release']);
    expect(run.result.exitCode).toBe(0);
    expect(await git(repo, 'log', '--format=%s', 'baro/base-demo')).toContain('release only');
  });

  it('says when the local branch has commits the remote one the run starts from does not', async () => {
    const repo = await makeTempRepo();
    const bare = join(await makeTempDir(), 'origin.git');
    await git(repo, 'init', '--quiet', '--bare', bare);
    await git(repo, 'remote', 'add', 'origin', bare);
    await git(repo, 'push', '--quiet', '--set-upstream', 'origin', 'main');
    const pushed = await git(repo, 'rev-parse', 'HEAD');
    for (const message of ['local one', 'local two'])
      await git(repo, 'commit', '--quiet', '--allow-empty', '-m', message);
    const run = await runPlan(repo, plan, { scripts });
    expect(run.result.exitCode).toBe(0);
    expect(run.result.stderr).toContain(
      `your main has 2 commits that origin/main does not: the run starts from origin/main (${pushed.slice(0, 8)}) without them`,
    );
    expect(await git(repo, 'log', '--format=%s', 'baro/base-demo')).not.toContain('local one');
  });
});

describe('where baro keeps its state', () => {
  it('refuses a BARO_HOME inside the repository with exit 2, creating nothing there', async () => {
    const repo = await makeTempRepo();
    const planPath = join(repo, '..', 'plan.json');
    await writeFile(planPath, JSON.stringify(planOf('Home inside', [{ id: 'A' }])));
    const result = await runBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], {
      cwd: repo,
      env: { ...(await isolatedGitEnv()), BARO_HOME: join(repo, '.baro') },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is inside the repository');
    expect(await git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});
