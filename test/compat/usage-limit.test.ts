// A usage limit hit mid-story with the real claude, and the same session resumed at the reset.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { byStory, edit, steps, untilResumed, usageLimit, write } from '../fake-anthropic/script.js';
import { startFakeAnthropic } from '../fake-anthropic/server.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf } from '../e2e/helpers.js';
import { agentTurns, invocations, outcomesOf } from './harness.js';
import { expectCompatible, runPlanWithRealClaude } from './scenario.js';

useGitSandbox();

let api: FakeAnthropic | undefined;
afterEach(async () => api?.close());

const argAfter = (args: readonly string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

it('pauses the story at the usage limit the real CLI reports and resumes the same session at the reset', async () => {
  const repo = await makeTempRepo();
  // A reset already past, as in the e2e tests: baro waits until then, which is at once.
  const resetsAt = Math.floor(Date.now() / 1000) - 3600;
  api = await startFakeAnthropic(
    byStory({
      Q: untilResumed(
        steps([write('src/q.txt', 'first half\n'), usageLimit(resetsAt)]),
        steps([write('src/q.txt', 'first half\n'), edit('src/q.txt', 'first half', 'both halves')], 'Finished q.'),
      ),
    }),
  );
  const run = await runPlanWithRealClaude(repo, api, planOf('Quota', [{ id: 'Q' }]));

  expect(run.result.stderr).toBe('');
  expect(run.result.exitCode, run.result.stdout).toBe(0);
  expect(eventsOf(run.events, 'quota.paused')).toMatchObject([{ storyId: 'Q' }]);
  expect(eventsOf(run.events, 'quota.resumed')).toMatchObject([{ storyId: 'Q' }]);
  expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({ status: 'succeeded' });
  expect(await git(repo, 'show', 'baro/quota:src/q.txt')).toBe('both halves');

  // The second process resumed the first one's session, in the same worktree, and the API saw one session.
  const [first, second] = agentTurns(await invocations(run.claude));
  const sessionId = argAfter(first?.args ?? [], '--session-id');
  expect(sessionId).toBeDefined();
  expect(argAfter(second?.args ?? [], '--resume')).toBe(sessionId);
  expect(second?.cwd).toBe(first?.cwd);
  // The Critic's review of the story is a session of its own.
  const story = api.exchanges.filter((exchange) => exchange.turn.reviewOf === undefined);
  expect(new Set(story.map((exchange) => exchange.turn.sessionId))).toEqual(new Set([sessionId]));
  expect(story.map((exchange) => exchange.reply)).toEqual(['message', 'usage_limit', 'message', 'message']);
  // The resumed request carried the history (the Write's result) and baro's new prompt.
  const resumed = story[2]?.turn;
  expect(resumed?.step).toBe(1);
  expect(resumed?.prompts).toHaveLength(2);

  const streams = await expectCompatible(run, api);
  expect(outcomesOf(streams)).toEqual({
    'stories/Q/attempt-1.jsonl': 'usage_limit',
    'stories/Q/attempt-2.jsonl': 'ok',
    // The review is named by the turn it judged.
    'stories/Q/critic-2-1.jsonl': 'ok',
  });
  // The reset time baro waits for comes from the CLI's own typed rate-limit info, not from its text.
  const limited = streams.find((check) => check.outcome === 'usage_limit')?.summary;
  expect(limited?.assistantRateLimit).toMatchObject({ status: 'rejected', resetsAt, limitType: 'five_hour' });
  expect(limited?.result).toMatchObject({ api_error: 'usage_limit_reached', api_error_status: 429 });
  const journal = await readFile(join(run.runDir, 'events.jsonl'), 'utf8');
  expect(journal).toContain('"type":"quota.paused"');
});
