// A quota warning over quota.pauseAtUtilization holds new starts until its reset; stories already running finish.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf, runPlan, tsOf } from './helpers.js';

useGitSandbox();

it('starts no story between an allowed_warning over the threshold and its reset, and finishes the running ones', async () => {
  const repo = await makeTempRepo();
  const config = join(dirname(repo), 'baro.config.json');
  await writeFile(config, JSON.stringify({ quota: { marginSeconds: 0, pauseAtUtilization: 0.95 } }));
  // The reset counts from A's agent, so a slow start on a loaded machine cannot put it behind the warning.
  const scripts = [
    {
      match: { storyId: 'A' },
      rateLimit: { status: 'allowed_warning' as const, utilization: 0.97, resetsInSeconds: 15 },
      steps: [{ write: 'a.txt', content: 'a\n' }],
    },
    { match: { storyId: 'B' }, steps: [{ write: 'b.txt', content: 'b\n' }, { sleep: 1000 }] },
    { match: { storyId: 'C' }, steps: [{ write: 'c.txt', content: 'c\n' }] },
  ];
  const plan = planOf('Quota warning', [{ id: 'A' }, { id: 'B' }, { id: 'C' }]);
  const run = await runPlan(repo, plan, { scripts }, ['--parallel', '2', '--config', config]);

  expect(run.result.exitCode).toBe(0);
  const [held] = eventsOf(run.events, 'quota.held');
  expect(held).toMatchObject({ storyId: 'A', utilization: 0.97 });
  const until = Number(held?.until);
  const at = (type: string, storyId?: string): number => {
    const event = eventsOf(run.events, type).find((e) => storyId === undefined || e.storyId === storyId);
    if (event === undefined) throw new Error(`no ${type} ${storyId ?? ''}`);
    return tsOf(event);
  };
  expect(until).toBeGreaterThan(at('quota.held'));
  expect(at('story.started', 'C')).toBeGreaterThanOrEqual(until);
  expect(at('story.merged', 'B')).toBeLessThan(at('quota.released'));
  expect(at('quota.released')).toBeLessThanOrEqual(at('story.started', 'C'));
  expect(
    eventsOf(run.events, 'story.merged')
      .map((e) => e.storyId)
      .sort(),
  ).toEqual(['A', 'B', 'C']);
});
