// The agent executable is checked before a run creates anything: no branch, no run folder, exit 2 naming where it came from.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBaro } from '../helpers/cli.js';
import { git, isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

useGitSandbox();

async function tryRun(env: Record<string, string>) {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const plan = join(dir, 'plan.json');
  await writeFile(plan, JSON.stringify(planOf('Preflight', [{ id: 'A' }])));
  const home = join(dir, 'baro-home');
  const result = await runBaro(['run', '--plan', plan, '--json', '--no-push', '--yes'], {
    cwd: repo,
    env: { ...(await isolatedGitEnv()), BARO_HOME: home, ...env },
  });
  return { repo, dir, home, result };
}

async function nothingCreated(run: Awaited<ReturnType<typeof tryRun>>) {
  expect(run.result.exitCode).toBe(2);
  expect(run.result.stdout).toBe('');
  expect(existsSync(run.home)).toBe(false);
  expect(await git(run.repo, 'branch', '--list', 'baro/*')).toBe('');
}

describe('the agent executable, before anything is created', () => {
  it('refuses a BARO_CLAUDE_BIN that does not exist, naming the variable', async () => {
    const run = await tryRun({ BARO_CLAUDE_BIN: '/nowhere/claude' });
    await nothingCreated(run);
    expect(run.result.stderr).toContain('BARO_CLAUDE_BIN (/nowhere/claude)');
    expect(run.result.stderr).toContain('not found');
  });

  it('refuses a BARO_CLAUDE_BIN that is not executable', async () => {
    const repo = await makeTempRepo();
    const bin = join(dirname(repo), 'claude');
    await writeFile(bin, '#!/bin/sh\necho 2.1.332\n');
    await chmod(bin, 0o644);
    const run = await tryRun({ BARO_CLAUDE_BIN: bin });
    await nothingCreated(run);
    expect(run.result.stderr).toContain('is not executable');
  });

  it('refuses an agent that does not answer --version', async () => {
    const repo = await makeTempRepo();
    const bin = join(dirname(repo), 'claude');
    await writeFile(bin, '#!/bin/sh\necho "broken install" >&2\nexit 1\n');
    await chmod(bin, 0o755);
    const run = await tryRun({ BARO_CLAUDE_BIN: bin });
    await nothingCreated(run);
    expect(run.result.stderr).toContain('--version` exited with code 1: broken install');
  });

  it('refuses a missing `claude` on PATH, naming claude and BARO_CLAUDE_BIN', async () => {
    // Only git's folder on PATH: no claude there.
    const gitDir = dirname(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim());
    const run = await tryRun({ PATH: gitDir });
    await nothingCreated(run);
    expect(run.result.stderr).toContain('`claude`');
    expect(run.result.stderr).toContain('set BARO_CLAUDE_BIN');
  });
});
