import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runBaro } from '../helpers/cli.js';

const doctorJson = z.object({
  ok: z.boolean(),
  checks: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      status: z.enum(['ok', 'warn', 'fail']),
      detail: z.string(),
      fix: z.string().optional(),
    }),
  ),
});

let root: string;
let repo: string;
let outside: string;
let claude: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'baro-cli-doctor-')));
  repo = join(root, 'repo');
  outside = join(root, 'outside');
  const bin = join(root, 'bin');
  await Promise.all([mkdir(repo), mkdir(outside), mkdir(bin)]);
  await execa('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  await execa('git', ['config', 'user.name', 'Baro Test'], { cwd: repo });
  await execa('git', ['config', 'user.email', 'test@baro.invalid'], { cwd: repo });
  await execa('git', ['remote', 'add', 'origin', 'git@github.com:acme/api.git'], { cwd: repo });
  claude = join(bin, 'claude');
  await writeFile(claude, '#!/bin/sh\necho "2.1.332 (Claude Code)"\n');
  await chmod(claude, 0o755);
  // A logged-out gh, so a gh on the developer's machine cannot supply a token.
  await writeFile(join(bin, 'gh'), '#!/bin/sh\nexit 1\n');
  await chmod(join(bin, 'gh'), 0o755);
  env = {
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CEILING_DIRECTORIES: root,
    BARO_CLAUDE_BIN: claude,
  };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('baro doctor', () => {
  it('--json prints one object with ok and every check, exit 0 in a healthy repo', async () => {
    const result = await runBaro(['doctor', '--json'], { cwd: repo, env: { ...env, GITHUB_TOKEN: 'ghp_secret123' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const report = doctorJson.parse(JSON.parse(result.stdout));
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([
      'node',
      'git',
      'repo',
      'claude',
      'login',
      'github-token',
      'origin',
    ]);
    expect(report.checks.find((c) => c.id === 'claude')?.detail).toContain('2.1.332 (Claude Code)');
    expect(report.checks.find((c) => c.id === 'origin')).toMatchObject({ status: 'ok', detail: 'github.com/acme/api' });
    expect(report.checks.find((c) => c.id === 'github-token')).toMatchObject({
      status: 'ok',
      detail: 'found in GITHUB_TOKEN',
    });
  });

  it('never prints the GitHub token', async () => {
    for (const args of [['doctor'], ['doctor', '--json']]) {
      const result = await runBaro(args, {
        cwd: repo,
        env: { ...env, GITHUB_TOKEN: 'ghp_secret123', GH_TOKEN: 'ghp_secret123' },
      });
      expect(result.stdout + result.stderr).not.toContain('ghp_secret123');
    }
  });

  it('prints one marked line per check and the fix on the next line', async () => {
    const result = await runBaro(['doctor'], { cwd: repo, env });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => /^[✓!✗] /.test(line))).toHaveLength(7);
    const tokenLine = lines.findIndex((line) => line.startsWith('! GitHub token'));
    expect(lines[tokenLine]).toContain('PRs will be skipped');
    expect(lines[tokenLine + 1]).toMatch(/^\s+→ set GITHUB_TOKEN/);
  });

  it('fails with exit 1 when the agent executable is missing', async () => {
    const missing = join(root, 'no-such-claude');
    const result = await runBaro(['doctor', '--json'], { cwd: repo, env: { ...env, BARO_CLAUDE_BIN: missing } });
    expect(result.exitCode).toBe(1);
    const report = doctorJson.parse(JSON.parse(result.stdout));
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'claude')).toMatchObject({
      status: 'fail',
      detail: `${missing} not found`,
    });

    const human = await runBaro(['doctor'], { cwd: repo, env: { ...env, BARO_CLAUDE_BIN: missing } });
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toMatch(/^✗ Claude Code/m);
    expect(human.stdout).toContain('npm i -g @anthropic-ai/claude-code');
    // No login can be vouched for without a working claude.
    expect(human.stdout).toMatch(/^! login\s+unknown/m);
    expect(human.stdout).not.toMatch(/^✓ login/m);
  });

  it('fails the repository check outside a git repository', async () => {
    const result = await runBaro(['doctor', '--json'], { cwd: outside, env });
    expect(result.exitCode).toBe(1);
    const report = doctorJson.parse(JSON.parse(result.stdout));
    expect(report.checks.find((c) => c.id === 'repo')?.status).toBe('fail');
  });

  it('refuses an unknown option with exit 2', async () => {
    const result = await runBaro(['doctor', '--verbose'], { cwd: repo, env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option '--verbose'");
  });
});
