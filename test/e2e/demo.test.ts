// `baro demo --json` with no `claude` anywhere on PATH: baro's own scripted agent runs the built-in plan to the end.
import { mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { DEMO_PLAN } from '../../cli/demo/plan.js';
import { runBaro } from '../helpers/cli.js';
import { checkoutFingerprint, git, isolatedGitEnv, makeTempDir, makeTempRepo, useGitSandbox } from '../helpers/repo.js';

useGitSandbox();

it(
  'merges every demo story in a throwaway repository and leaves the current folder untouched',
  { timeout: 120_000 },
  async () => {
    const cwd = await makeTempRepo();
    const before = await checkoutFingerprint(cwd);
    // A PATH with git and nothing else: no claude, no node (the demo agent runs on baro's own node).
    const bin = join(await makeTempDir('baro-path-'), 'bin');
    await mkdir(bin);
    await symlink((await execa('sh', ['-c', 'command -v git'])).stdout.trim(), join(bin, 'git'));
    const home = join(dirname(cwd), 'home');

    const result = await runBaro(['demo', '--json'], {
      cwd,
      env: { ...(await isolatedGitEnv()), PATH: bin, BARO_HOME: home },
    });

    expect(result.exitCode, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
    const started = events.find((e) => e.type === 'run.started') as unknown as { repo: string };
    const completed = events.at(-1) as {
      type: string;
      status: string;
      branch: string;
      stories: { id: string; status: string }[];
    };
    expect(completed).toMatchObject({ type: 'run.completed', status: 'succeeded' });
    expect(completed.stories.map((s) => s.id).sort()).toEqual(DEMO_PLAN.stories.map((s) => s.id).sort());
    expect(completed.stories.every((s) => s.status === 'merged')).toBe(true);
    expect(DEMO_PLAN.stories.length).toBeGreaterThanOrEqual(4);
    expect(DEMO_PLAN.stories.some((s) => s.dependsOn.length > 0)).toBe(true);
    expect(events.some((e) => e.type === 'collision.warning')).toBe(true);

    // The work is real: the branch holds every story's files and its tests pass.
    expect(relative(cwd, started.repo).startsWith('..')).toBe(true);
    const files = await git(started.repo, 'ls-tree', '-r', '--name-only', completed.branch);
    expect(files.split('\n')).toEqual(expect.arrayContaining(['src/slugify.js', 'src/words.js', 'bin/textkit.js']));
    await git(started.repo, 'switch', '--quiet', '--detach', completed.branch);
    const tests = await execa(process.execPath, ['--test', 'test/'], { cwd: started.repo, reject: false });
    expect(tests.exitCode, tests.stdout).toBe(0);
    expect(result.stderr).toContain(`The repository: ${started.repo}`);
    expect(result.stderr).toContain(`git -C ${started.repo} log --oneline --graph ${completed.branch}`);

    expect(await checkoutFingerprint(cwd)).toBe(before);
    await rm(dirname(started.repo), { recursive: true, force: true });
  },
);
