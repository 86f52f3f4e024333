// Ctrl-C in the middle of a run: agents stopped, nothing left running, state saved, exit code 3.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { agentInvocations, setupFakeClaude } from '../fake-claude/scenario.js';
import { startBaro } from '../helpers/cli.js';
import { alive, until } from '../helpers/process.js';
import { isolatedGitEnv, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from './helpers.js';

useGitSandbox();

it('stops every agent on SIGINT, saves the run as stopped and exits 3', async () => {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf('Stop demo', [{ id: 'A' }, { id: 'B' }])));
  const fake = setupFakeClaude(dir, {
    scripts: [{ steps: [{ write: 'started.txt', content: 'x\n' }, { sleep: 60_000 }] }],
  });
  const baro = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], {
    cwd: repo,
    env: { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') },
  });
  await until(() => agentInvocations(fake.logPath).length === 2, 'both agents to start');
  baro.kill('SIGINT');
  const result = await baro;

  expect(result.exitCode).toBe(3);
  const lines = String(result.stdout)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; status?: string; runDir?: string });
  expect(lines.at(-1)).toMatchObject({ type: 'run.completed', status: 'stopped' });
  const pids = agentInvocations(fake.logPath).map((inv) => inv.pid);
  await until(() => pids.every((pid) => !alive(pid)), 'the agents to be gone');
  const runDir = lines.find((line) => line.type === 'run.started')?.runDir ?? '';
  expect(JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'))).toMatchObject({ status: 'stopped' });
});

it('reports what the stories had reached when stopped: the merged one merged, the one at work running', async () => {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf('Stop later', [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }])));
  const fake = setupFakeClaude(dir, {
    scripts: [
      { match: { storyId: 'A' }, steps: [{ write: 'a.txt', content: 'a\n' }] },
      { match: { storyId: 'B' }, steps: [{ write: 'b.txt', content: 'b\n' }, { sleep: 60_000 }] },
    ],
  });
  const baro = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], {
    cwd: repo,
    env: { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') },
  });
  await until(() => agentInvocations(fake.logPath).length === 2, "B's agent to start after A merged");
  baro.kill('SIGINT');
  const result = await baro;

  expect(result.exitCode).toBe(3);
  const lines = String(result.stdout)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; runDir?: string; stories?: unknown });
  const completed = lines.at(-1);
  expect(completed).toMatchObject({
    type: 'run.completed',
    status: 'stopped',
    stories: [
      { id: 'A', status: 'merged', attempts: 1 },
      { id: 'B', status: 'running' },
    ],
  });
  const runDir = lines.find((line) => line.type === 'run.started')?.runDir ?? '';
  expect(JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'))).toMatchObject({
    status: 'stopped',
    stories: [
      { id: 'A', status: 'merged' },
      { id: 'B', status: 'running' },
    ],
  });
});

it('stops during the integration gate between levels: its check is stopped, the run saved as stopped, exit 3', async () => {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const mark = join(dir, 'gate-check.pid');
  // Passes at once in a story's worktree; on the integration branch it writes its pid and runs on.
  const check = `sh -c 'test -n "$BARO_STORY_ID" || { echo $$ > ${mark}; exec sleep 60; }'`;
  await writeFile(join(repo, 'baro.config.json'), JSON.stringify({ verify: { commands: [check] } }));
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf('Stop at gate', [{ id: 'A' }, { id: 'B', dependsOn: ['A'] }])));
  const fake = setupFakeClaude(dir, { scripts: [{ steps: [{ write: 'a.txt', content: 'a\n' }] }] });
  const baro = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], {
    cwd: repo,
    env: { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: join(dir, 'home') },
  });
  await until(() => existsSync(mark) && readFileSync(mark, 'utf8').trim() !== '', 'the gate check to start');
  const pid = Number(readFileSync(mark, 'utf8'));
  baro.kill('SIGINT');
  const result = await baro;

  expect(result.stderr).not.toContain('Error');
  expect(result.exitCode).toBe(3);
  const completed = String(result.stdout).trim().split('\n').at(-1) ?? '';
  expect(JSON.parse(completed)).toMatchObject({
    type: 'run.completed',
    status: 'stopped',
    stories: [
      { id: 'A', status: 'merged' },
      { id: 'B', status: 'pending' },
    ],
  });
  await until(() => !alive(pid), 'the gate check to be gone');
});

it('reports a story readied ahead of a slot as not started: its agent never ran', async () => {
  const repo = await makeTempRepo();
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(planOf('Stop ahead', [{ id: 'A' }, { id: 'B' }, { id: 'C' }])));
  const fake = setupFakeClaude(dir, { scripts: [{ steps: [{ sleep: 60_000 }] }] });
  const home = join(dir, 'home');
  const baro = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes', '--parallel', '1'], {
    cwd: repo,
    env: { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: home },
  });
  await until(() => agentInvocations(fake.logPath).length === 1, "A's agent to start");
  // B readies its worktree while A has the one slot.
  const worktreeOfB = /[/]worktrees[/][^/]+[/]B$/;
  await until(
    () => readdirSync(home, { recursive: true, encoding: 'utf8' }).some((path) => worktreeOfB.test(path)),
    "B's worktree",
  );
  baro.kill('SIGINT');
  const result = await baro;

  expect(result.exitCode).toBe(3);
  const completed = JSON.parse(String(result.stdout).trim().split('\n').at(-1) ?? '{}') as { stories?: unknown };
  expect(completed.stories).toMatchObject([
    { id: 'A', status: 'running' },
    { id: 'B', status: 'pending', attempts: 0 },
    { id: 'C', status: 'pending', attempts: 0 },
  ]);
  expect(agentInvocations(fake.logPath)).toHaveLength(1);
});
