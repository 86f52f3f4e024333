import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctorChecks } from '../../services/doctor.js';
import { parseVersion } from '../../services/doctor-probe.js';
import type { Check, CheckId, DoctorInput } from '../../services/doctor.js';

let root: string;
let repo: string;
let bin: string;

async function writeScript(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd });
}

// A hermetic environment: our bin dir first on PATH, a home without git config, no tokens.
function input(overrides: Partial<DoctorInput> & { extraEnv?: Record<string, string> } = {}): DoctorInput {
  const { extraEnv = {}, ...rest } = overrides;
  return {
    cwd: repo,
    env: {
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      HOME: root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CEILING_DIRECTORIES: root,
      ...extraEnv,
    },
    claudeBin: join(bin, 'claude'),
    nodeVersion: '20.19.0',
    ...rest,
  };
}

function byId(checks: readonly Check[], id: CheckId): Check {
  const check = checks.find((c) => c.id === id);
  if (check === undefined) throw new Error(`no check ${id} in ${JSON.stringify(checks)}`);
  return check;
}

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'baro-doctor-')));
  repo = join(root, 'repo');
  bin = join(root, 'bin');
  await mkdir(repo);
  await mkdir(bin);
  await git(repo, 'init', '-q', '-b', 'main');
  await git(repo, 'config', 'user.name', 'Baro Test');
  await git(repo, 'config', 'user.email', 'test@baro.invalid');
  await writeScript(join(bin, 'claude'), 'echo "2.1.332 (Claude Code)"');
  // Stands in for a gh that is installed but logged out, whatever the machine has.
  await writeScript(join(bin, 'gh'), 'echo "no oauth token found for github.com" >&2; exit 1');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runDoctorChecks', () => {
  it('returns every check in a stable order, all fine in a healthy repo', async () => {
    const checks = await runDoctorChecks(input({ extraEnv: { GITHUB_TOKEN: 'ghp_secret123' } }));
    expect(checks.map((c) => c.id)).toEqual(['node', 'git', 'repo', 'claude', 'login', 'github-token', 'origin']);
    expect(byId(checks, 'repo')).toMatchObject({ status: 'ok', detail: repo });
    expect(byId(checks, 'claude')).toMatchObject({
      status: 'ok',
      detail: `2.1.332 (Claude Code) (${join(bin, 'claude')})`,
    });
    expect(byId(checks, 'git').detail).toMatch(/^git version \d+\.\d+/);
    expect(JSON.stringify(checks)).not.toContain('ghp_secret123');
  });

  it('fails an old Node with the fix', async () => {
    const checks = await runDoctorChecks(input({ nodeVersion: '20.18.3' }));
    expect(byId(checks, 'node')).toMatchObject({ status: 'fail', fix: 'install Node 20.19 or newer' });
  });

  it('fails a missing agent executable and says how to install it', async () => {
    const checks = await runDoctorChecks(input({ claudeBin: join(root, 'nowhere', 'claude') }));
    const claude = byId(checks, 'claude');
    expect(claude.status).toBe('fail');
    expect(claude.fix).toContain('npm i -g @anthropic-ai/claude-code@2.1.332');
    expect(claude.fix).toContain('BARO_CLAUDE_BIN');
  });

  it('warns about a Claude Code older than the release baro is tested with, and names the one to install', async () => {
    await writeScript(join(bin, 'claude'), 'echo "2.1.197 (Claude Code)"');
    expect(byId(await runDoctorChecks(input()), 'claude')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('older than 2.1.332'),
      fix: 'update Claude Code: npm i -g @anthropic-ai/claude-code@2.1.332',
    });
  });

  it('does not vouch for the login when the agent executable is missing', async () => {
    const checks = await runDoctorChecks(input({ claudeBin: join(root, 'nowhere', 'claude') }));
    expect(byId(checks, 'login')).toMatchObject({ status: 'warn', detail: expect.stringContaining('unknown') });
  });

  it('fails an agent executable that is not executable', async () => {
    const path = join(bin, 'plain-file');
    await writeFile(path, 'not a program');
    expect(byId(await runDoctorChecks(input({ claudeBin: path })), 'claude')).toMatchObject({
      status: 'fail',
      detail: `${path} is not executable`,
    });
  });

  it('fails an agent that exits non-zero, quoting its stderr', async () => {
    await writeScript(join(bin, 'claude'), 'echo "Error: claude native binary not installed." >&2; exit 1');
    const claude = byId(await runDoctorChecks(input()), 'claude');
    expect(claude.status).toBe('fail');
    expect(claude.detail).toContain('exited with code 1: Error: claude native binary not installed.');
    expect(claude.fix).toContain('--ignore-scripts');
  });

  it('warns when the agent prints something that is not a version', async () => {
    await writeScript(join(bin, 'claude'), 'echo "hello"');
    expect(byId(await runDoctorChecks(input()), 'claude').status).toBe('warn');
  });

  it('fails the repository check outside a git repository and skips origin', async () => {
    const outside = join(root, 'outside');
    await mkdir(outside);
    const checks = await runDoctorChecks(input({ cwd: outside }));
    expect(byId(checks, 'repo')).toMatchObject({ status: 'fail' });
    expect(byId(checks, 'repo').detail).toContain(outside);
    expect(byId(checks, 'origin').status).toBe('warn');
  });

  it('warns about ANTHROPIC_API_KEY without printing it', async () => {
    const checks = await runDoctorChecks(input({ extraEnv: { ANTHROPIC_API_KEY: 'sk-ant-secret' } }));
    expect(byId(checks, 'login').status).toBe('warn');
    expect(byId(checks, 'login').detail).toContain('overrides your subscription');
    expect(JSON.stringify(checks)).not.toContain('sk-ant-secret');
  });

  it.each([
    ['GITHUB_TOKEN', 'found in GITHUB_TOKEN'],
    ['GH_TOKEN', 'found in GH_TOKEN'],
  ])('names %s as the token source', async (name, detail) => {
    const checks = await runDoctorChecks(input({ extraEnv: { [name]: 'tok_value_42' } }));
    expect(byId(checks, 'github-token')).toMatchObject({ status: 'ok', detail });
    expect(JSON.stringify(checks)).not.toContain('tok_value_42');
  });

  it('takes the token from `gh auth token` without printing it', async () => {
    await writeScript(join(bin, 'gh'), '[ "$1 $2" = "auth token" ] && echo gho_fromgh999');
    const checks = await runDoctorChecks(input());
    expect(byId(checks, 'github-token')).toMatchObject({ status: 'ok', detail: 'found with `gh auth token`' });
    expect(JSON.stringify(checks)).not.toContain('gho_fromgh999');
  });

  it('warns that PRs will be skipped without any token', async () => {
    const token = byId(await runDoctorChecks(input()), 'github-token');
    expect(token.status).toBe('warn');
    expect(token.detail).toContain('PRs will be skipped');
    expect(token.fix).toContain('GITHUB_TOKEN');
  });

  it('warns that the branch stays local without origin', async () => {
    const origin = byId(await runDoctorChecks(input()), 'origin');
    expect(origin).toMatchObject({ status: 'warn' });
    expect(origin.detail).toContain('baro will keep the branch local');
  });

  it('reads OWNER/REPO from origin and never prints credentials in its URL', async () => {
    await git(repo, 'remote', 'add', 'origin', 'https://x-access-token:ghp_inurl777@github.com/acme/api.git');
    const checks = await runDoctorChecks(input());
    expect(byId(checks, 'origin')).toMatchObject({ status: 'ok', detail: 'github.com/acme/api' });
    expect(JSON.stringify(checks)).not.toContain('ghp_inurl777');
  });

  it('warns about an origin that is not OWNER/REPO, redacting its credentials', async () => {
    await git(repo, 'remote', 'add', 'origin', 'https://user:pw_hidden@gitlab.com/group/sub/api.git');
    const origin = byId(await runDoctorChecks(input()), 'origin');
    expect(origin.status).toBe('warn');
    expect(origin.detail).toContain('https://gitlab.com/group/sub/api.git');
    expect(origin.detail).not.toContain('pw_hidden');
  });

  it('warns about a non-github.com host unless GITHUB_API_URL is set', async () => {
    await git(repo, 'remote', 'add', 'origin', 'ssh://git@ghe.example.com/acme/api.git');
    expect(byId(await runDoctorChecks(input()), 'origin').status).toBe('warn');
    const withApi = byId(
      await runDoctorChecks(input({ extraEnv: { GITHUB_API_URL: 'https://ghe.example.com/api/v3' } })),
      'origin',
    );
    expect(withApi).toMatchObject({
      status: 'ok',
      detail: 'ghe.example.com/acme/api (API https://ghe.example.com/api/v3)',
    });
  });

  it('fails git and the repository check when git is missing', async () => {
    const checks = await runDoctorChecks(input({ env: { PATH: join(root, 'empty'), HOME: root } }));
    expect(byId(checks, 'git')).toMatchObject({ status: 'fail', fix: 'install git 2.17 or newer' });
    expect(byId(checks, 'repo')).toMatchObject({ status: 'fail', detail: 'git is not installed' });
  });
});

describe('parseVersion', () => {
  it.each([
    ['git version 2.39.5', [2, 39, 5]],
    ['git version 2.39.3 (Apple Git-146)', [2, 39, 3]],
    ['git version 2.45.1.windows.1', [2, 45, 1]],
    ['v20.19.0', [20, 19, 0]],
    ['2.5', [2, 5, 0]],
  ])('reads %s', (text, expected) => {
    expect(parseVersion(text)).toEqual(expected);
  });

  it('returns undefined without a version', () => {
    expect(parseVersion('hello')).toBeUndefined();
  });
});
