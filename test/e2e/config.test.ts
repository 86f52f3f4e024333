// baro.config.json through the real CLI: refused with exit 2 naming the key, obeyed when valid, flags winning.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETUP_NOT_REPLANNED } from '../../machines/conductor-replan.js';
import { maxConcurrent, agentInvocations } from '../fake-claude/scenario.js';
import type { FakeScript } from '../fake-claude/scenario.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan } from './helpers.js';

useGitSandbox();

const slow = (id: string): FakeScript => ({
  match: { storyId: id },
  steps: [{ sleep: 300 }, { write: `src/${id}.txt`, content: `${id}\n` }],
});

async function repoWithConfig(config: unknown): Promise<string> {
  const repo = await makeTempRepo();
  await writeFile(join(repo, 'baro.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return repo;
}

describe('baro.config.json', () => {
  it('refuses an unknown key with exit 2, naming its path and the key it resembles, before anything runs', async () => {
    const repo = await repoWithConfig({ parallel: 2, agent: { permisionMode: 'acceptEdits' } });
    const run = await runPlan(repo, planOf('Typo', [{ id: 'A' }]), { scripts: [] });
    expect(run.result.exitCode).toBe(2);
    expect(run.result.stderr).toContain('agent.permisionMode: unknown key (did you mean permissionMode?)');
    expect(agentInvocations(run.fake.logPath)).toHaveLength(0);
    expect(existsSync(run.home)).toBe(false);
    expect(await git(repo, 'branch', '--list', 'baro/*')).toBe('');
  });

  it('refuses a value of the wrong type with exit 2, listing every problem in plain words', async () => {
    const repo = await repoWithConfig({ parallel: 'three', worktree: { setup: 'npm ci' } });
    const run = await runPlan(repo, planOf('Wrong type', [{ id: 'A' }]), { scripts: [] });
    expect(run.result.exitCode).toBe(2);
    expect(run.result.stderr).toContain('parallel: expected a whole number from 1 to 32, got "three"');
    expect(run.result.stderr).toContain(
      'worktree.setup: expected a list of shell commands, like ["npm ci"], got "npm ci"',
    );
    expect(run.result.stderr).not.toMatch(/\n\s+at /);
    expect(agentInvocations(run.fake.logPath)).toHaveLength(0);
  });

  it('refuses a --config file that does not exist', async () => {
    const repo = await makeTempRepo();
    const run = await runPlan(repo, planOf('Missing', [{ id: 'A' }]), { scripts: [] }, ['--config', 'nope.json']);
    expect(run.result.exitCode).toBe(2);
    expect(run.result.stderr).toContain(`${join(repo, 'nope.json')}`);
    expect(run.result.stderr).toContain('no such file');
  });

  it('obeys "parallel": 1 from the file', async () => {
    const repo = await repoWithConfig({ parallel: 1 });
    const plan = planOf('One at a time', [{ id: 'A' }, { id: 'B' }, { id: 'C' }]);
    const run = await runPlan(repo, plan, { scripts: ['A', 'B', 'C'].map(slow) });
    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'run.started')[0]).toMatchObject({ parallel: 1 });
    const invocations = agentInvocations(run.fake.logPath);
    expect(invocations).toHaveLength(3);
    expect(maxConcurrent(invocations)).toBe(1);
  });

  it('lets a flag win over the file, and reads --config FILE outside the repository', async () => {
    const repo = await makeTempRepo();
    const file = join(dirname(repo), 'team.json');
    await writeFile(file, JSON.stringify({ parallel: 1, models: { story: 'haiku' }, agent: { maxTurns: 7 } }));
    const plan = planOf('Flags win', [{ id: 'A' }, { id: 'B' }]);
    const run = await runPlan(repo, plan, { scripts: ['A', 'B'].map(slow) }, ['--config', file, '--parallel', '2']);
    expect(run.result.exitCode).toBe(0);
    expect(eventsOf(run.events, 'run.started')[0]).toMatchObject({ parallel: 2 });
    const [first] = agentInvocations(run.fake.logPath);
    expect(first?.argv.join(' ')).toContain('--model haiku');
    expect(first?.argv.join(' ')).toContain('--max-turns 7');
  });

  it('acts on every key of the format: quota, the last one accepted without effect, gives no notice now', async () => {
    const repo = await repoWithConfig({ quota: { marginSeconds: 30, pauseAtUtilization: 0.9 } });
    const run = await runPlan(repo, planOf('Later', [{ id: 'A' }]), { scripts: [slow('A')] });
    expect(run.result.exitCode).toBe(0);
    expect(run.result.stderr).not.toContain('does not act on it yet');
  });
});

describe('worktree setup', () => {
  it('copies the configured files and runs the setup commands in every story worktree, with its own PORT', async () => {
    const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', '.gitignore': '.env\n' } });
    await writeFile(join(repo, '.env'), 'SECRET=42\n');
    await writeFile(
      join(repo, 'baro.config.json'),
      JSON.stringify({
        worktree: {
          copy: ['.env'],
          setup: ['cat .env > "setup-$BARO_STORY_ID.txt"', 'echo "$PORT" >> "setup-$BARO_STORY_ID.txt"'],
        },
      }),
    );
    const plan = planOf('Setup demo', [{ id: 'A' }, { id: 'B' }]);
    const scripts = ['A', 'B'].map((id): FakeScript => ({
      match: { storyId: id },
      steps: [{ bash: `echo "$PORT $BARO_PORT" > port-${id}.txt` }],
    }));
    const run = await runPlan(repo, plan, { scripts });
    expect(run.result.exitCode).toBe(0);
    expect(await git(repo, 'show', 'baro/setup-demo:setup-A.txt')).toBe('SECRET=42\n4101');
    expect(await git(repo, 'show', 'baro/setup-demo:setup-B.txt')).toBe('SECRET=42\n4102');
    expect(await git(repo, 'show', 'baro/setup-demo:port-A.txt')).toBe('4101 4101');
    expect(await git(repo, 'show', 'baro/setup-demo:port-B.txt')).toBe('4102 4102');
  });

  it('fails a story whose setup command fails, with the command and its output, and starts no agent, not even the Surgeon', async () => {
    const repo = await repoWithConfig({
      worktree: { setup: ['echo installing; echo "npm ERR! no lockfile" >&2; exit 3'] },
    });
    const run = await runPlan(repo, planOf('Broken setup', [{ id: 'A' }]), { scripts: [slow('A')] });
    expect(run.result.exitCode).toBe(1);
    const failed = eventsOf(run.events, 'story.failed')[0];
    expect(failed?.reason).toContain('exited with code 3');
    expect(failed?.reason).toContain('npm ERR! no lockfile');
    expect(failed?.reason).toContain('installing');
    expect(agentInvocations(run.fake.logPath)).toHaveLength(0);
    expect(eventsOf(run.events, 'replan.skipped').map((e) => e.reason)).toEqual([SETUP_NOT_REPLANNED]);
  });

  it('sets up the integration worktree too, so the gates check the merged code with its dependencies', async () => {
    const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', '.gitignore': 'deps/\n' } });
    const check = 'test -f deps/ready';
    await writeFile(
      join(repo, 'baro.config.json'),
      JSON.stringify({
        worktree: { setup: ['mkdir -p deps && echo ready > deps/ready'] },
        verify: { commands: [check] },
      }),
    );
    const plan = planOf('Gate setup', [{ id: 'A' }]);
    const run = await runPlan(repo, plan, { scripts: [{ steps: [{ bash: 'echo A > a.txt' }] }] });
    expect(run.result.exitCode, run.result.stdout).toBe(0);
    const gates = eventsOf(run.events, 'verify.completed').filter((e) => e.scope !== 'story');
    expect(gates.map((e) => [e.scope, e.status])).toEqual([
      ['integration', 'passed'],
      ['final', 'passed'],
    ]);
  });

  it('refuses to copy a file git does not ignore, which every story would commit', async () => {
    const repo = await repoWithConfig({ worktree: { copy: ['.env'] } });
    await writeFile(join(repo, '.env'), 'SECRET=42\n');
    const run = await runPlan(repo, planOf('Leak', [{ id: 'A' }]), { scripts: [slow('A')] });
    expect(run.result.exitCode).toBe(2);
    expect(run.result.stderr).toContain('git does not ignore .env');
    expect(agentInvocations(run.fake.logPath)).toHaveLength(0);
  });

  it('warns once about a configured copy file missing from the repository and runs anyway', async () => {
    const repo = await repoWithConfig({ worktree: { copy: ['.env.local'] } });
    const run = await runPlan(repo, planOf('No env', [{ id: 'A' }]), { scripts: [slow('A')] });
    expect(run.result.exitCode).toBe(0);
    expect(run.result.stderr).toContain('worktree.copy: .env.local is not in');
  });
});
