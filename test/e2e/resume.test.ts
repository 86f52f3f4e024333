// Unattended runs survive their process: kill -9, SIGTERM or `baro stop`, then `baro resume` finishes the plan once.
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { argValue, readInvocations, setupFakeClaude, writeScenario } from '../fake-claude/scenario.js';
import type { FakeScenario } from '../fake-claude/scenario.js';
import { runBaro, startBaro } from '../helpers/cli.js';
import { alive, until } from '../helpers/process.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';
import type { PlanStoryInput } from './helpers.js';

useGitSandbox();

// Several baro processes one after the other, each with agents and git: minutes on a busy machine.
const GENEROUS_MS = 300_000;

// A's and B's first turns hang until stopped; a turn after the restart (continued or started over) finishes at once.
const hang = (storyId: string) => ({
  match: { storyId, attempt: 1, resume: false },
  steps: [{ bash: 'echo "$BARO_STORY_ID" > "first-$BARO_STORY_ID.txt"' }, { sleep: 120_000 }],
});
const SCENARIO: FakeScenario = {
  scripts: [hang('A'), hang('B'), { steps: [{ bash: 'echo "$BARO_STORY_ID" > "story-$BARO_STORY_ID.txt"' }] }],
};

async function setUp(stories: readonly PlanStoryInput[] = [{ id: 'A' }, { id: 'B' }]) {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf('Resume demo', stories)));
  const fake = setupFakeClaude(dir, SCENARIO);
  const env = { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') };
  const start = () => startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], { cwd: repo, env });
  const baro = (...args: string[]) => runBaro(args, { cwd: repo, env });
  return { repo, fake, env, start, baro };
}

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map(
      (line) =>
        JSON.parse(line) as {
          type: string;
          status?: string;
          runId?: string;
          storyId?: string;
          timing?: { planMs: number };
        },
    );

const runsJson = async (baro: (...args: string[]) => Promise<{ stdout: string }>) =>
  JSON.parse((await baro('runs', '--json')).stdout) as { runId: string; status: string; resume: string | null }[];

it(
  'kill -9 while two stories work, then resume: orphans stopped, each story merged once, the checkout untouched',
  async () => {
    const { repo, fake, start, baro } = await setUp();
    const head = await git(repo, 'rev-parse', 'HEAD');
    const first = start();
    await until(() => readInvocations(fake.logPath).length === 2, 'both agents to start');
    first.kill('SIGKILL');
    await first;
    const before = readInvocations(fake.logPath).map((inv) => inv.pid);
    expect(await runsJson(baro)).toMatchObject([{ status: 'interrupted' }]);

    const resumed = await baro('resume', '--json');

    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const events = lines(resumed.stdout);
    expect(events[0]).toMatchObject({ type: 'run.started', resumed: true });
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'succeeded' });
    expect(before.filter(alive)).toEqual([]);
    const branch = String((events.at(-1) as { branch?: string }).branch);
    const merges = (await git(repo, 'log', '--merges', '--format=%s', branch)).split('\n').sort();
    expect(merges).toEqual(['Merge A: story A', 'Merge B: story B']);
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(await git(repo, 'status', '--porcelain')).toBe('');
    expect(await runsJson(baro)).toMatchObject([{ status: 'succeeded', resume: null }]);

    const again = await baro('resume', events[0]?.runId ?? '');
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already finished \(succeeded/);
  },
  GENEROUS_MS,
);

it(
  'SIGTERM stops like Ctrl-C (exit 3, state saved), a second resume is refused naming the first, and resume finishes',
  async () => {
    const { fake, start, baro, env, repo } = await setUp([{ id: 'A' }, { id: 'B' }, { id: 'C', dependsOn: ['A'] }]);
    const first = start();
    await until(() => readInvocations(fake.logPath).length === 2, 'both agents to start');
    first.kill('SIGTERM');
    const stopped = await first;

    expect(stopped.exitCode).toBe(3);
    const stoppedEnd = lines(String(stopped.stdout)).at(-1);
    expect(stoppedEnd).toMatchObject({ type: 'run.completed', status: 'stopped' });
    const planMs = stoppedEnd?.timing?.planMs;
    expect(planMs).toBeGreaterThan(0);
    expect(String(stopped.stderr)).toMatch(/baro resume \S+` continues it/);
    const [run] = await runsJson(baro);
    expect(run).toMatchObject({ status: 'stopped', resume: `baro resume ${run?.runId}` });

    // The resumed turns of A and B hang for this test: the first resume holds the run while the second is tried.
    writeScenario(dirname(repo), { scripts: [{ steps: [{ sleep: 120_000 }] }] });
    const second = startBaro(['resume', '--json'], { cwd: repo, env });
    await until(() => readInvocations(fake.logPath).length === 4, 'the resumed agents to start');
    const refused = await baro('resume', run?.runId ?? '');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`process ${second.pid}`);
    const stop = await baro('stop');
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect((await second).exitCode).toBe(3);

    writeScenario(dirname(repo), SCENARIO);
    const finished = await baro('resume', '--json');
    expect(finished.exitCode, `${finished.stderr}\n${finished.stdout.slice(-3000)}`).toBe(0);
    // The planning the first process did is reported by the one that finishes the run, not as 0 ms.
    expect(lines(finished.stdout).at(-1)).toMatchObject({
      type: 'run.completed',
      status: 'succeeded',
      timing: { planMs },
    });
  },
  GENEROUS_MS,
);

it(
  'refuses to resume an unknown run, or one whose repository moved, saying what to do',
  async () => {
    const { fake, start, baro, repo, env } = await setUp();
    const unknown = await baro('resume', '20990101-000000-abcd');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/No run 20990101-000000-abcd/);

    const first = start();
    await until(() => readInvocations(fake.logPath).length === 2, 'both agents to start');
    first.kill('SIGKILL');
    await first;
    const [run] = await runsJson(baro);
    const moved = `${repo}-moved`;
    await rename(repo, moved);
    const refused = await runBaro(['resume', run?.runId ?? ''], { cwd: moved, env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`move the repository back to ${repo}`);
  },
  GENEROUS_MS,
);

it(
  'a run started with --config resumes with that file: its checks and its models, not the defaults',
  async () => {
    const { repo, fake, env } = await setUp([{ id: 'A' }]);
    const config = join(dirname(repo), 'elsewhere.config.json');
    const check = 'test -n "$BARO_RUN_ID"';
    await writeFile(config, JSON.stringify({ verify: { commands: [check] }, models: { critic: 'opus' } }));
    const planPath = join(dirname(repo), 'plan.json');
    const first = startBaro(['run', '--plan', planPath, '--config', config, '--json', '--no-push', '--yes'], {
      cwd: repo,
      env,
    });
    await until(() => readInvocations(fake.logPath).length === 1, 'the agent to start');
    first.kill('SIGKILL');
    await first;

    const resumed = await runBaro(['resume', '--json'], { cwd: repo, env });

    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const checks = lines(resumed.stdout).filter((e) => e.type === 'verify.completed') as unknown as {
      results: { command: string }[];
    }[];
    expect(checks.flatMap((e) => e.results.map((r) => r.command))).toContain(check);
    const critics = readInvocations(fake.logPath).filter((inv) => inv.env.BARO_ROLE === 'critic');
    expect(critics.map((inv) => argValue(inv, '--model'))).toEqual(['opus']);
  },
  GENEROUS_MS,
);
