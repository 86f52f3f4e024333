// Runs started together on one repository: each claims its own run branch, and every one of them succeeds.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { setupFakeClaude } from '../fake-claude/scenario.js';
import { startBaro } from '../helpers/cli.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

useGitSandbox();

// Six baro processes at once on a shared two-core machine: more time than one run needs.
it('six runs of one goal started at once all succeed, on six distinct branches', { timeout: 180_000 }, async () => {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf('Same goal', [{ id: 'A' }])));
  const fake = setupFakeClaude(dir, { scripts: [{ steps: [{ write: 'a.txt', content: 'a\n' }] }] });
  const env = { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') };
  const runs = [...Array(6).keys()].map(() =>
    startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], { cwd: repo, env }),
  );
  const results = await Promise.all(runs);

  for (const result of results)
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
  const branches = results.map((result) => {
    const lines = String(result.stdout).trim().split('\n');
    return (JSON.parse(lines.at(-1) ?? '{}') as { branch?: string }).branch;
  });
  expect(new Set(branches).size).toBe(6);
  for (const branch of branches) expect(await git(repo, 'log', '--format=%s', `main..${branch}`)).toContain('A');
});
