// An unusable BARO_HOME is refused at once with exit 2 naming it, before any branch, worktree or agent.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { setupFakeClaude } from '../fake-claude/scenario.js';
import { startBaro } from '../helpers/cli.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

useGitSandbox();

async function runWithHome(home: (dir: string) => Promise<string>) {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf('Home', [{ id: 'A' }])));
  const fake = setupFakeClaude(dir, { scripts: [] });
  const baroHome = await home(dir);
  const baro = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], {
    cwd: repo,
    env: { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: baroHome },
  });
  // Node's recursive mkdir spins forever under /proc: never leave such a child behind a failed test.
  onTestFinished(() => void baro.kill('SIGKILL'));
  const result = await baro;
  expect(await git(repo, 'branch', '--list', 'baro/*')).toBe('');
  return { result, baroHome };
}

describe('an unusable BARO_HOME', () => {
  it('under /proc, where no folder can be made, exits 2 naming it', async () => {
    const { result } = await runWithHome(async () => '/proc/baro-home');
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('BARO_HOME (/proc/baro-home)');
  });

  it('naming a file, exits 2 naming it and what is there', async () => {
    const { result, baroHome } = await runWithHome(async (dir) => {
      const file = join(dir, 'a-file');
      await writeFile(file, 'not a folder\n');
      return join(file, 'home');
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`BARO_HOME (${baroHome})`);
    expect(result.stderr).toContain('not a folder');
  });
});
