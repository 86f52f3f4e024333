// A merge conflict handed back to the story's own real claude session, which resolves it with its own tools.
import { afterEach, expect, it } from 'vitest';
import {
  bash,
  byStory,
  edit,
  onPrompt,
  promptSteps,
  read,
  say,
  steps,
  untilResumed,
  write,
} from '../fake-anthropic/script.js';
import type { Step } from '../fake-anthropic/script.js';
import { startFakeAnthropic } from '../fake-anthropic/server.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf } from '../e2e/helpers.js';
import { agentTurns, invocations, outcomesOf } from './harness.js';
import { expectCompatible, runPlanWithRealClaude } from './scenario.js';

useGitSandbox();

let api: FakeAnthropic | undefined;
afterEach(async () => api?.close());

const RESOLVED = 'greeting = hello from S1 and S2\n';

// Both stories change the same line, so whichever merges second conflicts; its resolver keeps both sides.
const story = (id: string): Step =>
  onPrompt(
    '# Conflict in story',
    promptSteps([read('shared.txt'), write('shared.txt', RESOLVED), bash('git add shared.txt')], 'Kept both.'),
    untilResumed(steps([read('shared.txt'), edit('shared.txt', 'hello', `hello from ${id}`)]), say('Noted.')),
  );

const argAfter = (args: readonly string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

it("resolves a merge conflict in the second story's own session, resumed, and merges both", async () => {
  const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', 'shared.txt': 'greeting = hello\n' } });
  api = await startFakeAnthropic(byStory({ S1: story('S1'), S2: story('S2') }));
  const plan = planOf('Greetings clash', [
    { id: 'S1', writes: ['shared.txt'] },
    { id: 'S2', writes: ['shared.txt'] },
  ]);
  const run = await runPlanWithRealClaude(repo, api, plan);

  expect(run.result.stderr).toBe('');
  expect(run.result.exitCode, run.result.stdout).toBe(0);
  const conflict = eventsOf(run.events, 'story.conflict')[0];
  expect(conflict).toMatchObject({ files: ['shared.txt'] });
  expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({ status: 'succeeded' });
  expect(await git(repo, 'show', 'baro/greetings-clash:shared.txt')).toBe(RESOLVED.trim());

  // The resolver is the conflicting story's first session, resumed in its worktree.
  const turns = agentTurns(await invocations(run.claude));
  const resolver = turns.find((turn) => turn.role === 'resolver');
  const first = turns.find((turn) => turn.role === 'story' && turn.storyId === conflict?.storyId);
  expect(resolver?.storyId).toBe(conflict?.storyId);
  expect(argAfter(resolver?.args ?? [], '--resume')).toBe(argAfter(first?.args ?? [], '--session-id'));
  expect(resolver?.cwd).toBe(first?.cwd);
  // Its tools worked on the conflicted file: the Read saw the markers, the Write and `git add` succeeded.
  const resolving = api.exchanges.map((exchange) => exchange.turn).filter((turn) => turn.role === 'resolver');
  expect(new Set(resolving.map((turn) => turn.storyId))).toEqual(new Set([conflict?.storyId]));
  expect(resolving.find((turn) => turn.stepInPrompt === 1)?.lastResults[0]?.text).toContain('<<<<<<<');
  expect(resolving.flatMap((turn) => turn.lastResults).every((result) => !result.isError)).toBe(true);

  const streams = await expectCompatible(run, api);
  // The resolver's turn is the conflicting story's second attempt; the merge that follows needs no new review.
  const clashed = String(conflict?.storyId);
  const other = clashed === 'S1' ? 'S2' : 'S1';
  expect(outcomesOf(streams)).toEqual({
    [`stories/${other}/attempt-1.jsonl`]: 'ok',
    [`stories/${other}/critic-1-1.jsonl`]: 'ok',
    [`stories/${clashed}/attempt-1.jsonl`]: 'ok',
    [`stories/${clashed}/critic-1-1.jsonl`]: 'ok',
    [`stories/${clashed}/attempt-2.jsonl`]: 'ok',
  });
});
