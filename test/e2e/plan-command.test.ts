// `baro plan` as a new user meets it: its bad input refused before anything is made, its config read as a run's is,
// and per-role model flags reaching each role's `claude`.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argValue, readInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeInvocation, FakeScenario, FakeScript } from '../fake-claude/scenario.js';
import { runBaro } from '../helpers/cli.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

useGitSandbox();

const GOAL = 'Add greetings';

const plan = (dependsOnB: readonly string[]) => {
  const base = planOf(GOAL, [{ id: 'A' }, { id: 'B', dependsOn: dependsOnB }]);
  return { ...base, stories: base.stories.map((s) => ({ ...s, writes: [`src/${s.id}.txt`], tier: 'light' })) };
};

const answer = (value: unknown): FakeScript => ({
  match: { role: 'planner' },
  result: { type: 'success', structuredOutput: value },
});

async function baro(repo: string, scenario: FakeScenario, args: string[], env: Record<string, string> = {}) {
  const dir = dirname(repo);
  const fake = setupFakeClaude(dir, scenario);
  const home = join(dir, 'baro-home');
  const result = await runBaro(args, {
    cwd: repo,
    env: { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: home, ...env },
  });
  return { result, turns: existsSync(fake.logPath) ? readInvocations(fake.logPath) : [], home };
}

describe('baro plan, refusing bad input with exit 2', () => {
  it('ends with the rules broken after two failed repairs in the same session, writing no plan file', async () => {
    const repo = await makeTempRepo();
    const { result, turns } = await baro(repo, { scripts: [answer(plan(['Z']))] }, ['plan', GOAL, '--out', 'p.json']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('still breaks the plan rules after 2 repair turns; nothing was run');
    expect(result.stderr).toContain('story B: dependsOn names unknown story "Z"');
    expect(turns).toHaveLength(3);
    expect(turns.slice(1).map((turn) => argValue(turn, '--resume'))).toEqual([
      turns[0]?.sessionId,
      turns[0]?.sessionId,
    ]);
    expect(existsSync(join(repo, 'p.json'))).toBe(false);
    expect(await git(repo, 'branch', '--list', '--format=%(refname:short)')).toBe('main');
  });

  it('checks the agent executable before mapping anything, naming BARO_CLAUDE_BIN', async () => {
    const repo = await makeTempRepo();
    const missing = join(dirname(repo), 'no-such-claude');
    const { result, home } = await baro(repo, { scripts: [] }, ['plan', GOAL], { BARO_CLAUDE_BIN: missing });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`BARO_CLAUDE_BIN (${missing})`);
    expect(result.stderr).toContain('Nothing was created');
    expect(result.stderr).not.toContain('BARO_DEBUG');
    expect(existsSync(home)).toBe(false);
  });

  it('refuses a baro.config.json with a wrong type, naming the key, before the planner starts', async () => {
    const repo = await makeTempRepo();
    await writeFile(join(repo, 'baro.config.json'), JSON.stringify({ models: { planner: 'big model' } }));
    const { result, turns } = await baro(repo, { scripts: [answer(plan([]))] }, ['plan', GOAL]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('models.planner: expected');
    expect(turns).toEqual([]);
  });
});

describe('baro plan when planning fails', () => {
  it('says why with exit 1, as a failure of the planner rather than a crash of baro', async () => {
    const repo = await makeTempRepo();
    const scenario = { scripts: [{ match: { role: 'planner' }, result: { type: 'auth' as const } }] };
    const { result } = await baro(repo, scenario, ['plan', GOAL, '--out', 'p.json']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: planning failed: auth: Not logged in');
    expect(result.stderr).not.toContain('BARO_DEBUG');
    expect(existsSync(join(repo, 'p.json'))).toBe(false);
  });
});

describe('models per role', () => {
  it("baro plan takes the planner's model from baro.config.json, and --model-planner over it", async () => {
    const repo = await makeTempRepo();
    await writeFile(join(repo, 'team.json'), JSON.stringify({ models: { planner: 'sonnet' } }));
    await writeFile(join(repo, 'baro.config.json'), JSON.stringify({ models: { planner: 'haiku' } }));
    const scenario = { scripts: [answer(plan([]))] };

    const fromFile = await baro(repo, scenario, ['plan', GOAL]);
    expect(fromFile.result.exitCode).toBe(0);
    expect(fromFile.turns.map((turn) => argValue(turn, '--model'))).toEqual(['haiku']);
    const lastModel = (turns: readonly FakeInvocation[]) => (turns.at(-1) ? argValue(turns.at(-1)!, '--model') : '');

    const fromFlag = await baro(repo, scenario, ['plan', GOAL, '--config', 'team.json', '--model-planner', 'opus']);
    expect(fromFlag.result.exitCode).toBe(0);
    expect(lastModel(fromFlag.turns)).toBe('opus');

    const fromConfig = await baro(repo, scenario, ['plan', GOAL, '--config', 'team.json']);
    expect(fromConfig.result.exitCode).toBe(0);
    expect(lastModel(fromConfig.turns)).toBe('sonnet');
  });

  it('baro "goal" gives the planner, the stories and the critic the models of their flags', async () => {
    const repo = await makeTempRepo();
    const work = (id: string): FakeScript => ({
      match: { storyId: id },
      steps: [{ write: `src/${id}.txt`, content: `${id}\n` }],
    });
    const { result, turns } = await baro(repo, { scripts: [answer(plan(['A'])), work('A'), work('B')] }, [
      GOAL,
      '--yes',
      '--no-push',
      '--json',
      '--model-planner',
      'p-model',
      '--model-story',
      's-model',
      '--model-critic',
      'c-model',
    ]);

    expect(result.exitCode).toBe(0);
    const modelsOf = (role: string) =>
      new Set(turns.filter((turn) => turn.env.BARO_ROLE === role).map((turn) => argValue(turn, '--model')));
    expect(modelsOf('planner')).toEqual(new Set(['p-model']));
    expect(modelsOf('story')).toEqual(new Set(['s-model']));
    expect(modelsOf('critic')).toEqual(new Set(['c-model']));
  });
});
