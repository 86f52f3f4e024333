// Story worktrees across a stop and `baro resume`: an interrupted conflict resolution, and the worktree pool.
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { agentInvocations, argValue, setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeScenario, FakeScript } from '../fake-claude/scenario.js';
import { runBaro, startBaro } from '../helpers/cli.js';
import { until } from '../helpers/process.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';
import type { PlanStoryInput } from './helpers.js';

useGitSandbox();

// Two baro processes one after the other, each with agents and git: minutes on a busy machine.
const GENEROUS_MS = 300_000;

interface Line {
  readonly type: string;
  readonly storyId?: string;
  readonly status?: string;
  readonly runDir?: string;
  readonly branch?: string;
}

const lines = (stdout: string): Line[] =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);

async function setUp(goal: string, stories: readonly PlanStoryInput[], scenario: FakeScenario, args: string[] = []) {
  const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', 'shared.txt': 'greeting = hello\n' } });
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf(goal, stories)));
  const fake = setupFakeClaude(dir, scenario);
  const env = { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') };
  const baro = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes', ...args], { cwd: repo, env });
  const resume = () => runBaro(['resume', '--json'], { cwd: repo, env });
  return { repo, fake, baro, resume };
}

/** Stops the run with Ctrl-C once `ready` holds; its events. */
async function stopWhen(run: ReturnType<typeof startBaro>, ready: () => boolean, what: string): Promise<Line[]> {
  await until(ready, what);
  run.kill('SIGINT');
  const stopped = await run;
  expect(stopped.exitCode, String(stopped.stderr)).toBe(3);
  return lines(String(stopped.stdout));
}

// S1 and S2 both edit shared.txt; S2 waits for S1's merge, so its own merge conflicts and its session resolves it. Its
// invocations: 1 its work, 2 the resolver, stopped half-way; `afterStop` scripts the ones after the resume.
const conflictScenario = (afterStop: readonly FakeScript[]): FakeScenario => ({
  scripts: [
    { match: { storyId: 'S2', attempt: 2 }, steps: [{ write: 'half.txt', content: 'half\n' }, { sleep: 120_000 }] },
    ...afterStop,
    { match: { role: 'resolver' }, steps: [{ write: 'shared.txt', content: 'greeting = hello from S1 and S2\n' }] },
    { match: { storyId: 'S1' }, steps: [{ edit: 'shared.txt', old: 'hello', new: 'hello from S1' }] },
    {
      match: { storyId: 'S2' },
      steps: [
        { bash: 'until git log --format=%s baro/conflict-stop | grep -q "Merge S1"; do sleep 0.2; done' },
        { edit: 'shared.txt', old: 'hello', new: 'hello from S2' },
      ],
    },
  ],
});

/** Runs S1 and S2, stops the run while S2's resolver works, and resumes it. */
async function stopTheResolver(afterStop: readonly FakeScript[]) {
  const { repo, fake, baro, resume } = await setUp(
    'Conflict stop',
    [{ id: 'S1' }, { id: 'S2' }],
    conflictScenario(afterStop),
  );
  // Stopped once the resolver has written half.txt in the story's worktree, mid-rebase.
  const resolving = () =>
    agentInvocations(fake.logPath).some(
      (inv) => inv.env.BARO_ROLE === 'resolver' && existsSync(join(inv.cwd, 'half.txt')),
    );
  await stopWhen(baro, resolving, 'the resolver to write half.txt');
  const resumed = await resume();
  expect(resumed.exitCode, `${resumed.stderr}\n${resumed.stdout.slice(-3000)}`).toBe(0);
  const events = lines(resumed.stdout);
  expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'succeeded' });
  expect(await git(repo, 'show', 'baro/conflict-stop:shared.txt')).toBe('greeting = hello from S1 and S2');
  expect(await git(repo, 'status', '--porcelain')).toBe('');
  // The stopped resolver's session goes on after the resume.
  const [work, stopped, continued] = agentInvocations(fake.logPath).filter((inv) => inv.env.BARO_STORY_ID === 'S2');
  expect([stopped?.env.BARO_ROLE, continued?.env.BARO_ROLE]).toEqual(['resolver', 'resolver']);
  expect(argValue(continued!, '--resume')).toBe(work?.sessionId);
  return { repo, events };
}

it(
  'a conflict resolution stopped half-way goes on in its session after the resume, and the story merges',
  async () => {
    const { repo, events } = await stopTheResolver([]);

    expect(events.filter((e) => e.type === 'story.failed')).toEqual([]);
    expect(events.filter((e) => e.type === 'story.merged').map((e) => e.storyId)).toEqual(['S2']);
    expect(await git(repo, 'show', 'baro/conflict-stop:half.txt')).toBe('half');
  },
  GENEROUS_MS,
);

it(
  'a conflict resolution stopped half-way, then failed and sent back by a replan, ends as it would without the stop',
  async () => {
    // 3 the resolver continued gives up, 4 the Surgeon cannot answer, 5 the story sent back, 6 the resolver of the
    // conflict its branch still has.
    const { repo, events } = await stopTheResolver([
      { match: { role: 'surgeon' }, result: { type: 'auth' } },
      { match: { storyId: 'S2', attempt: 3 }, result: { type: 'max_turns' } },
      { match: { storyId: 'S2', attempt: 5 }, steps: [{ write: 'src/S2.txt', content: 'S2 again\n' }] },
    ]);

    expect(events.filter((e) => e.type === 'story.failed').map((e) => e.storyId)).toEqual(['S2']);
    expect(await git(repo, 'show', 'baro/conflict-stop:src/S2.txt')).toBe('S2 again');
    // What the stopped resolver had written was kept on the story's branch when its rebase was undone.
    expect(await git(repo, 'show', 'baro/conflict-stop:half.txt')).toBe('half');
  },
  GENEROUS_MS,
);

it(
  'stories started after a resume reuse the worktrees finished stories gave back, and none is left at the end',
  async () => {
    const stories = [{ id: 'A' }, { id: 'B' }, { id: 'C', dependsOn: ['A'] }, { id: 'D', dependsOn: ['B'] }];
    // B's first turn says when A has merged, then works on until it is stopped.
    const aMerged = 'until git log --format=%s baro/pool-stop | grep -q "Merge A"; do sleep 0.2; done';
    const flag = 'touch "$(dirname "$BARO_FAKE_CLAUDE_LOG")/a-merged"';
    const { repo, fake, baro, resume } = await setUp(
      'Pool stop',
      stories,
      {
        scripts: [
          { match: { storyId: 'B', attempt: 1 }, steps: [{ bash: `${aMerged}; ${flag}` }, { sleep: 120_000 }] },
          { steps: [{ bash: 'mkdir -p src && echo "$BARO_STORY_ID" > "src/$BARO_STORY_ID.txt"' }] },
        ],
      },
      ['--parallel', '2'],
    );
    const before = await stopWhen(baro, () => existsSync(join(dirname(fake.logPath), 'a-merged')), 'A to merge');
    const runDir = before.find((e) => e.type === 'run.started')?.runDir ?? '';
    const worktreesDir = join(dirname(dirname(runDir)), 'worktrees', basename(runDir));

    const resumed = await resume();

    expect(resumed.exitCode, `${resumed.stderr}\n${resumed.stdout.slice(-3000)}`).toBe(0);
    expect(lines(resumed.stdout).at(-1)).toMatchObject({ type: 'run.completed', status: 'succeeded' });
    const cwdOf = new Map(
      agentInvocations(fake.logPath)
        .filter((inv) => inv.env.BARO_ROLE === 'story')
        .map((inv) => [inv.env.BARO_STORY_ID, inv.cwd]),
    );
    // C and D, started after the resume, work in the worktrees A (merged before the stop) and B gave back.
    expect(new Set(cwdOf.values())).toEqual(new Set([cwdOf.get('A'), cwdOf.get('B')]));
    const left = (await readdir(worktreesDir)).filter((name) => !name.startsWith('.discarded-'));
    expect(left).toEqual([]);
    expect(await git(repo, 'worktree', 'list', '--porcelain')).not.toContain(worktreesDir);
    for (const { id } of stories) expect(await git(repo, 'show', `baro/pool-stop:src/${id}.txt`)).toBe(id);
  },
  GENEROUS_MS,
);
