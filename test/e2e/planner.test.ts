// `baro plan` and `baro "goal"` end to end: the fake claude answering as planner, real git, the real CLI process.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../services/plan.js';
import { argValue, promptOf, agentInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeScenario, FakeScript } from '../fake-claude/scenario.js';
import { runBaro } from '../helpers/cli.js';
import { checkoutFingerprint, git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf } from './helpers.js';
import type { ReportedEvent } from './helpers.js';

useGitSandbox();

const GOAL = 'Add greetings';

function greetingsPlan(dependsOnB: readonly string[] = []) {
  const plan = planOf(GOAL, [
    { id: 'A', writes: ['src/A.txt'] },
    { id: 'B', dependsOn: dependsOnB },
  ]);
  return { ...plan, stories: plan.stories.map((s) => ({ ...s, writes: [`src/${s.id}.txt`], tier: 'light' })) };
}

const answer = (plan: unknown, match: FakeScript['match'] = { role: 'planner' }): FakeScript => ({
  match,
  steps: [{ read: 'README.md' }],
  result: { type: 'success', structuredOutput: plan },
});

const work = (id: string): FakeScript => ({
  match: { storyId: id },
  steps: [{ write: `src/${id}.txt`, content: `${id}\n` }],
});

async function baro(repo: string, scenario: FakeScenario, args: string[]) {
  const dir = dirname(repo);
  const fake = setupFakeClaude(dir, scenario);
  const home = join(dir, 'baro-home');
  const result = await runBaro(args, {
    cwd: repo,
    env: { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: home },
  });
  const invocations = agentInvocations(fake.logPath);
  const planner = invocations.filter((inv) => inv.env.BARO_ROLE === 'planner');
  const stories = invocations.filter((inv) => inv.env.BARO_ROLE !== 'planner');
  return { result, planner, stories, home, dir };
}

const parseEvents = (stdout: string): ReportedEvent[] =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ReportedEvent);

describe('baro plan', () => {
  it("writes the planner's structured answer to --out: a valid plan, and nothing run or branched", async () => {
    const repo = await makeTempRepo();
    const { result, planner, stories, dir } = await baro(repo, { scripts: [answer(greetingsPlan(['A']))] }, [
      'plan',
      GOAL,
      '--out',
      'plan.json',
    ]);

    expect(result.stderr).toContain('Plan written to');
    expect(result.exitCode).toBe(0);
    const plan = parsePlan(await readFile(join(repo, 'plan.json'), 'utf8'), 'plan.json');
    expect(plan.stories.map((s) => [s.id, s.dependsOn])).toEqual([
      ['A', []],
      ['B', ['A']],
    ]);
    expect(stories).toEqual([]);
    expect(await git(repo, 'branch', '--list', '--format=%(refname:short)')).toBe('main');
    // The repository map is cached under the baro home; no run folder is.
    const home = join(dir, 'baro-home');
    const kept = existsSync(home) ? await readdir(home, { recursive: true }) : [];
    expect(kept.filter((path) => path.split(sep).includes('runs'))).toEqual([]);

    // One read-only opus session answering through the plan's JSON Schema.
    expect(planner).toHaveLength(1);
    const [turn] = planner;
    expect(turn?.cwd).toBe(repo);
    expect(argValue(turn!, '--model')).toBe('opus');
    expect(argValue(turn!, '--tools')).toBe('Read,Grep,Glob,Bash');
    expect(argValue(turn!, '--permission-mode')).toBe('dontAsk');
    expect(turn?.env.BARO_ROLE).toBe('planner');
    // Anything not allowed is denied: the read tools, and shell commands that only look.
    expect(argValue(turn!, '--allowedTools')?.split(',')).toEqual([
      'Read',
      'Grep',
      'Glob',
      ...['ls', 'cat', 'head', 'wc', 'grep', 'git log', 'git show', 'git ls-files', 'git grep'].map(
        (c) => `Bash(${c}:*)`,
      ),
    ]);
    const schema = JSON.parse(argValue(turn!, '--json-schema') ?? '{}') as { required?: string[] };
    expect(schema.required).toEqual(['goal', 'stories']);
    expect(promptOf(turn!)).toContain(`Goal: ${GOAL}`);
    expect(promptOf(turn!)).toContain('README.md');
  });

  it('prints the plan on stdout, taking the JSON from the result text when there is no structured output', async () => {
    const repo = await makeTempRepo();
    const text = `Here is the plan:\n\`\`\`json\n${JSON.stringify(greetingsPlan())}\n\`\`\`\n`;
    const { result } = await baro(
      repo,
      { scripts: [{ match: { role: 'planner' }, result: { type: 'success', text } }] },
      ['plan', GOAL],
    );

    expect(result.exitCode).toBe(0);
    expect(parsePlan(result.stdout, 'stdout').stories.map((s) => s.id)).toEqual(['A', 'B']);
  });

  it('repairs a cycle in the same session (--resume) and uses the repaired plan', async () => {
    const repo = await makeTempRepo();
    const cyclic = greetingsPlan(['A']);
    cyclic.stories[0] = { ...cyclic.stories[0]!, dependsOn: ['B'] };
    const scenario = { scripts: [answer(cyclic, { role: 'planner', turn: 1 }), answer(greetingsPlan(['A']))] };
    const { result, planner } = await baro(repo, scenario, ['plan', GOAL, '--out', 'plan.json']);

    expect(result.exitCode).toBe(0);
    expect(planner).toHaveLength(2);
    const [first, repair] = planner;
    expect(argValue(repair!, '--resume')).toBe(first?.sessionId);
    expect(argValue(repair!, '--session-id')).toBeUndefined();
    expect(promptOf(repair!)).toContain('cycle');
    const plan = parsePlan(await readFile(join(repo, 'plan.json'), 'utf8'), 'plan.json');
    expect(plan.stories.find((s) => s.id === 'A')?.dependsOn).toEqual([]);
  });
});

describe('baro plan under a usage limit', () => {
  it('waits for the reset, then continues the same planner session', async () => {
    const repo = await makeTempRepo();
    const resetsAt = Math.floor(Date.now() / 1000) - 120;
    const scenario = {
      scripts: [
        { match: { role: 'planner', turn: 1 }, result: { type: 'usage_limit' as const, resetsAt } },
        answer(greetingsPlan()),
      ],
    };
    const { result, planner } = await baro(repo, scenario, ['plan', GOAL]);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('planning paused by the usage limit');
    expect(planner).toHaveLength(2);
    expect(argValue(planner[1]!, '--resume')).toBe(planner[0]?.sessionId);
    expect(parsePlan(result.stdout, 'stdout').stories).toHaveLength(2);
  });
});

describe('baro "goal"', () => {
  it('goes from the sentence to a succeeded run with every planned story merged (--yes --no-push --json)', async () => {
    const repo = await makeTempRepo();
    await writeFile(join(repo, 'draft.txt'), 'untracked work of mine\n');
    const before = await checkoutFingerprint(repo);
    const scenario = { scripts: [answer(greetingsPlan(['A'])), work('A'), work('B')] };
    const { result, planner, stories } = await baro(repo, scenario, [GOAL, '--yes', '--no-push', '--json']);

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const events = parseEvents(result.stdout);
    expect(events.map((e) => e.type).slice(0, 2)).toEqual(['run.started', 'planner.started']);
    expect(eventsOf(events, 'plan.ready')[0]).toMatchObject({ stories: 2, levels: [['A'], ['B']] });
    expect(eventsOf(events, 'branch.created')[0]).toMatchObject({ branch: 'baro/add-greetings' });
    expect(eventsOf(events, 'run.completed')[0]).toMatchObject({ status: 'succeeded', branch: 'baro/add-greetings' });
    expect(planner).toHaveLength(1);
    expect(stories.map((s) => s.env.BARO_STORY_ID)).toEqual(['A', 'B']);
    expect(await git(repo, 'show', 'baro/add-greetings:src/A.txt')).toBe('A');
    expect(await git(repo, 'show', 'baro/add-greetings:src/B.txt')).toBe('B');
    expect(await checkoutFingerprint(repo)).toBe(before);

    // The approved plan is kept in the run folder, as a plan file and in run.json.
    const runDir = eventsOf(events, 'run.started')[0]?.runDir as string;
    expect(parsePlan(await readFile(join(runDir, 'plan.json'), 'utf8'), 'plan.json').stories).toHaveLength(2);
    const record = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ status: 'succeeded', branch: 'baro/add-greetings', plan: { goal: GOAL } });
  });

  it('ends with exit 2 and the rules broken when two repairs fail, running no story and making no branch', async () => {
    const repo = await makeTempRepo();
    const unknown = greetingsPlan(['Z']);
    const { result, planner, stories } = await baro(repo, { scripts: [answer(unknown), work('A'), work('B')] }, [
      GOAL,
      '--yes',
      '--no-push',
      '--json',
    ]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('still breaks the plan rules after 2 repair turns; nothing was run');
    expect(result.stderr).toContain('story B: dependsOn names unknown story "Z"');
    expect(result.stderr).toContain('--plan FILE');
    expect(planner).toHaveLength(3);
    expect(new Set(planner.map((turn) => turn.sessionId)).size).toBe(1);
    expect(stories).toEqual([]);
    expect(await git(repo, 'branch', '--list', '--format=%(refname:short)')).toBe('main');
    expect(eventsOf(parseEvents(result.stdout), 'run.completed')[0]).toMatchObject({ status: 'failed' });
  });

  it('refuses to run without a terminal unless --yes approves the plan, before anything is created', async () => {
    const repo = await makeTempRepo();
    const { result, planner, dir } = await baro(repo, { scripts: [answer(greetingsPlan())] }, [GOAL, '--no-push']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('add --yes');
    expect(planner).toEqual([]);
    // The repository map is cached under the baro home; no run folder is.
    const home = join(dir, 'baro-home');
    const kept = existsSync(home) ? await readdir(home, { recursive: true }) : [];
    expect(kept.filter((path) => path.split(sep).includes('runs'))).toEqual([]);
  });
});
