// An agent that hangs without a word is stopped after agent.idleMinutes and its story retried, continuing its session.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { readInvocations } from '../fake-claude/scenario.js';
import { alive } from '../helpers/process.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan } from './helpers.js';

useGitSandbox();

it('stops a silent agent after the idle timeout, retries the story with its session, and merges it', async () => {
  const repo = await makeTempRepo();
  const config = join(dirname(repo), 'baro.config.json');
  // 0.05 minutes: 3 s of silence, more than a loaded machine takes to start the retried agent that writes at once.
  await writeFile(config, JSON.stringify({ agent: { idleMinutes: 0.05 } }));
  const scripts = [
    { match: { storyId: 'A', resume: false }, steps: [{ say: 'thinking' }, { sleep: 120_000 }] },
    { match: { storyId: 'A', resume: true }, steps: [{ write: 'a.txt', content: 'a\n' }] },
  ];
  const run = await runPlan(repo, planOf('Idle', [{ id: 'A' }]), { scripts }, ['--config', config]);

  expect(run.result.exitCode).toBe(0);
  expect(eventsOf(run.events, 'story.retry')[0]?.reason).toContain('printed nothing for');
  expect(eventsOf(run.events, 'story.merged').map((e) => e.storyId)).toEqual(['A']);
  const [hung, retried] = readInvocations(run.fake.logPath);
  expect(retried?.sessionId).toBe(hung?.sessionId);
  expect(alive(hung?.pid ?? 0)).toBe(false);
  expect(await git(repo, 'diff', '--name-only', 'main', 'baro/idle')).toBe('a.txt');
});
