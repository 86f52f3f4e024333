// Plans a new user gets wrong, through the real CLI: refused with exit 2 in the plan's own terms, nothing run.
import { describe, expect, it } from 'vitest';
import { readInvocations } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf, runPlan } from './helpers.js';

useGitSandbox();

describe('baro run --plan with a bad plan', () => {
  it('refuses a mistyped key ("dependOn") instead of running the story beside its dependency', async () => {
    const repo = await makeTempRepo();
    const plan = planOf('Typo', [{ id: 'S1' }, { id: 'S2' }]);
    const stories = plan.stories.map((s) => (s.id === 'S2' ? { ...s, dependOn: ['S1'] } : s));
    const run = await runPlan(repo, { ...plan, stories }, { scripts: [] });
    expect(run.result.exitCode).toBe(2);
    expect(run.result.stderr).toContain('story S2: unknown key "dependOn" (did you mean "dependsOn"?)');
    expect(run.result.stderr).toContain('or give the goal without --plan (baro "<goal>") to let baro plan it.');
    expect(readInvocations(run.fake.logPath)).toHaveLength(0);
    expect(await git(repo, 'branch', '--list', 'baro/*')).toBe('');
  });

  it('refuses writes outside the repository and lists every problem', async () => {
    const repo = await makeTempRepo();
    const plan = planOf('Outside', [
      { id: 'S1', writes: ['../x'] },
      { id: 'S2', writes: ['/etc/passwd'] },
    ]);
    const run = await runPlan(repo, plan, { scripts: [] });
    expect(run.result.exitCode).toBe(2);
    expect(run.result.stderr).toContain('story S1: "writes[0]": "../x" is outside the repository');
    expect(run.result.stderr).toContain('story S2: "writes[0]": "/etc/passwd" is outside the repository');
    expect(run.result.stderr).not.toMatch(/received|more problems/);
  });
});
