// `baro demo --json` with no `claude` anywhere on PATH: baro's own scripted agent runs the built-in plan to the end.
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
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
    // The Critic judged every story, and the Librarian had facts from the first level to brief the stories after it.
    const verdicts = events
      .filter((e) => e.type === 'story.verdict')
      .map((e) => `${String(e['storyId'])} ${String(e['verdict'])}`);
    expect(verdicts.sort()).toEqual(DEMO_PLAN.stories.map((s) => `${s.id} pass`).sort());
    const cliStarted = events.findIndex((e) => e.type === 'story.started' && e['storyId'] === 'cli');
    const learned = events
      .slice(0, cliStarted)
      .filter((e) => e.type === 'knowledge.added')
      .map((e) => e['storyId']);
    expect(new Set(learned)).toEqual(new Set(['slugify', 'words']));

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

it(
  'demo --inspect announces its inspector page and records the run for baro inspect',
  { timeout: 120_000 },
  async () => {
    const cwd = await makeTempDir('baro-demo-cwd-');
    const home = join(dirname(cwd), 'home');
    // The agent's pace under --inspect leaves a person time to open the page; a test needs none.
    const result = await runBaro(['demo', '--json', '--inspect'], {
      cwd,
      env: { ...(await isolatedGitEnv()), BARO_HOME: home, BARO_DEMO_STEP_MS: '0' },
    });

    expect(result.exitCode, result.stderr).toBe(0);
    const url = /Inspector: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(result.stderr)?.[1];
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; url?: string; runDir?: string; repo?: string });
    expect(url).toBeDefined();
    expect(events.find((e) => e.type === 'inspect.listening')?.url).toBe(url);
    const started = events.find((e) => e.type === 'run.started');
    const record = await readFile(join(started?.runDir ?? '', 'inspect.jsonl'), 'utf8');
    for (const story of DEMO_PLAN.stories) expect(record).toContain(`"systemId":"story:${story.id}"`);
    expect(result.stderr).toContain(`baro inspect ${basename(started?.runDir ?? '')}`);
    await rm(dirname(started?.repo ?? ''), { recursive: true, force: true });
  },
);
