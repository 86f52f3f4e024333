// The Auditor over real worktrees: the checks each ecosystem implies, run with a PATH that has (or lacks) the tools.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { provideAuditor } from '../../../actors/auditor.js';
import type { AuditorEmitted } from '../../../machines/auditor.js';
import type { AuditTarget } from '../../../machines/types.js';
import { ECOSYSTEMS, makeEcosystemRepo } from '../../helpers/ecosystems.js';
import type { EcosystemName } from '../../helpers/ecosystems.js';
import { git, makeTempDir, makeTempRepo, useGitSandbox } from '../../helpers/repo.js';

useGitSandbox();

/** A folder of executables for PATH: each prints its arguments and exits with the given code. */
async function toolsDir(tools: Readonly<Record<string, number>>): Promise<string> {
  const dir = await makeTempDir('baro-tools-');
  for (const [name, code] of Object.entries(tools)) {
    await writeFile(join(dir, name), `#!/bin/sh\necho "${name} $*"\nexit ${code}\n`);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

function auditorFor(worktree: string, path: string, commands: readonly string[] = []) {
  return provideAuditor({
    runId: 'r1',
    paths: { storyWorktree: () => worktree, integrationWorktree: worktree },
    commands,
    timeoutMs: 60_000,
    baseEnv: { PATH: path, HOME: process.env['HOME'] },
    portOf: () => 4101,
  });
}

async function audit(
  worktree: string,
  path: string,
  commands: readonly string[] = [],
  target: AuditTarget = { kind: 'story', storyId: 'S1', round: 1 },
  auditor = auditorFor(worktree, path, commands),
) {
  const actor = createActor(auditor, { input: { target } });
  const emitted: AuditorEmitted[] = [];
  actor.on('verify.completed', (event) => emitted.push(event));
  actor.start();
  const output = await toPromise(actor);
  return { output, emitted };
}

const DETECTED: Readonly<Partial<Record<EcosystemName, readonly string[]>>> = {
  npm: ['npm run build', 'npm run typecheck', 'npm run lint', 'npm test'],
  pnpmWorkspaces: ['pnpm run build', 'pnpm test'],
  yarn: ['yarn run lint', 'yarn test'],
  bun: ['bun run check-types', 'bun run test'],
  rust: ['cargo build', 'cargo test'],
  go: ['go build ./...', 'go vet ./...', 'go test ./...'],
  pytest: ['uv run ruff check .', 'uv run pytest'],
  unittest: ['python -m unittest'],
  make: ['make', 'make lint', 'make test'],
  maven: ['mvn -q compile', 'mvn -q test'],
  gradle: ['./gradlew assemble', './gradlew test'],
  dotnet: ['dotnet build', 'dotnet test'],
};

describe('the Auditor in each ecosystem', () => {
  const names = Object.keys(DETECTED) as EcosystemName[];
  it.each(names)('%s: runs the detected checks; a tool that is missing is not run', async (name) => {
    expect(Object.keys(ECOSYSTEMS)).toContain(name);
    const repo = await makeEcosystemRepo(name);
    const { output, emitted } = await audit(repo, await toolsDir({}));

    expect(output.results.map((r) => r.command)).toEqual(DETECTED[name]);
    for (const result of output.results) {
      expect(result).toMatchObject({ status: 'notRun', exitCode: null });
      expect(result.tail).toMatch(/not installed|not an executable file/);
    }
    expect(output.status).toBe('skipped');
    expect(emitted).toEqual([{ type: 'verify.completed', scope: 'story', storyId: 'S1', round: 1, ...output }]);
  });

  it('passes and fails checks by their exit codes, with the end of their output', async () => {
    const repo = await makeEcosystemRepo('rust');
    const path = await toolsDir({ cargo: 0 });
    const { output } = await audit(repo, path);
    expect(output).toMatchObject({
      status: 'passed',
      results: [
        { command: 'cargo build', status: 'passed', exitCode: 0, tail: 'cargo build' },
        { command: 'cargo test', status: 'passed', exitCode: 0, tail: 'cargo test' },
      ],
    });

    const failing = await audit(repo, await toolsDir({ cargo: 101 }));
    expect(failing.output).toMatchObject({
      status: 'failed',
      results: [
        { command: 'cargo build', status: 'failed', exitCode: 101, tail: 'cargo build' },
        { command: 'cargo test', status: 'failed', exitCode: 101 },
      ],
    });
  });

  it('runs the configured verify.commands instead, with CI set and the story its PORT', async () => {
    const repo = await makeEcosystemRepo('go');
    const { output } = await audit(repo, '/usr/bin:/bin', ['echo "$CI $PORT $BARO_STORY_ID"', 'sh -c "exit 7"']);
    expect(output.results).toMatchObject([
      { command: 'echo "$CI $PORT $BARO_STORY_ID"', status: 'passed', tail: 'true 4101 S1' },
      { command: 'sh -c "exit 7"', status: 'failed', exitCode: 7 },
    ]);
  });

  it('checks the worktree the story holds, a pooled one named after an earlier story', async () => {
    const own = await makeTempDir();
    const pooled = await makeTempDir();
    const { output } = await audit(own, '/usr/bin:/bin', ['pwd'], {
      kind: 'story',
      storyId: 'S1',
      round: 1,
      worktree: pooled,
    });
    expect(output.results).toMatchObject([{ command: 'pwd', status: 'passed', tail: pooled }]);
  });

  it('has nothing to check in a repository without manifests: skipped, with no results', async () => {
    const repo = await makeTempRepo();
    expect((await audit(repo, '/usr/bin:/bin')).output).toEqual({ status: 'skipped', results: [] });
  });

  it('counts a shell that cannot find a program (exit 127) as not run', async () => {
    const repo = await makeTempRepo();
    const { output } = await audit(repo, '/usr/bin:/bin', ['sh -c "baro-missing-tool --version"']);
    expect(output.results).toMatchObject([{ status: 'notRun', exitCode: 127 }]);
  });

  it('runs a check once per integration commit: the final gate reuses the last gate on the same commit', async () => {
    const repo = await makeTempRepo();
    const counter = join(await makeTempDir(), 'runs.txt');
    const commands = [`echo run >> ${counter}`];
    const auditor = auditorFor(repo, '/usr/bin:/bin', commands);
    await audit(repo, '/usr/bin:/bin', commands, { kind: 'integration', level: 0 }, auditor);
    const final = await audit(repo, '/usr/bin:/bin', commands, { kind: 'final' }, auditor);
    expect(final.output.status).toBe('passed');
    expect(await readFile(counter, 'utf8')).toBe('run\n');

    await writeFile(join(repo, 'more.txt'), 'x\n');
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'more');
    await audit(repo, '/usr/bin:/bin', commands, { kind: 'final' }, auditor);
    expect(await readFile(counter, 'utf8')).toBe('run\nrun\n');
  });

  it('sets up the integration worktree before its checks; one whose setup failed did not run, and the next gate tries again', async () => {
    const repo = await makeTempRepo();
    const setups: string[] = [];
    const auditor = provideAuditor({
      runId: 'r1',
      paths: { storyWorktree: () => repo, integrationWorktree: repo },
      commands: ['true', 'echo ok'],
      timeoutMs: 60_000,
      baseEnv: { PATH: '/usr/bin:/bin' },
      portOf: () => 4101,
      setUpIntegration: async () => {
        setups.push('setup');
        return setups.length === 1
          ? { kind: 'failed', command: 'npm ci', reason: 'worktree setup command `npm ci` exited with code 1' }
          : { kind: 'ok' };
      },
    });
    const failed = await audit(repo, '/usr/bin:/bin', [], { kind: 'integration', level: 0 }, auditor);
    expect(failed.output.results.map((r) => [r.command, r.status, r.tail])).toEqual([
      ['true', 'notRun', 'worktree setup command `npm ci` exited with code 1'],
      ['echo ok', 'notRun', 'worktree setup command `npm ci` exited with code 1'],
    ]);
    const final = await audit(repo, '/usr/bin:/bin', [], { kind: 'final' }, auditor);
    expect(final.output.status).toBe('passed');
    expect(setups).toEqual(['setup', 'setup']);
  });
});
