// A live warning against the real claude 2.1.332: two stories edit one file, and the Sentry's message, written on
// the sessions' stream-json stdin while their Bash tool runs, reaches the model in the same turn (docs/claude-cli.md §9).
import { afterEach, expect, it } from 'vitest';
import { bash, byStory, edit, steps } from '../fake-anthropic/script.js';
import { startFakeAnthropic } from '../fake-anthropic/server.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf } from '../e2e/helpers.js';
import { agentTurns, invocations, outcomesOf } from './harness.js';
import { expectCompatible, runPlanWithRealClaude } from './scenario.js';

useGitSandbox();

let api: FakeAnthropic | undefined;
afterEach(async () => api?.close());

const SHARED = `${Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n')}\n`;

it('folds the Sentry warning into both running turns when two stories edit one file', async () => {
  const repo = await makeTempRepo({ files: { 'shared.txt': SHARED } });
  // The Bash call is the window the warning lands in: long enough for both stories' edits on a loaded machine.
  const story = (line: number) =>
    steps([edit('shared.txt', `line ${line}\n`, `line ${line} changed\n`), bash('sleep 20')], 'Edited shared.txt.');
  api = await startFakeAnthropic(byStory({ A: story(1), B: story(25) }));
  const run = await runPlanWithRealClaude(repo, api, planOf('Two editors', [{ id: 'A' }, { id: 'B' }]), [
    '--parallel',
    '2',
  ]);

  expect(run.result.exitCode, run.result.stdout).toBe(0);
  expect(await git(repo, 'show', 'baro/two-editors:shared.txt')).toContain('line 25 changed');
  const sent = eventsOf(run.events, 'message.sent');
  expect(sent.map((e) => [e['storyId'], e['kind']]).sort()).toEqual([
    ['A', 'collision'],
    ['B', 'collision'],
  ]);
  expect(eventsOf(run.events, 'message.delivered')).toHaveLength(2);
  // The request after the Bash result carries the warning, within the same turn of the same process.
  for (const [id, other] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    const after = api.exchanges.filter((exchange) => exchange.turn.storyId === id && exchange.turn.step === 2);
    expect(
      after.some((exchange) => exchange.turn.prompts.some((p) => p.includes(`baro Sentry: ${other} is editing`))),
    ).toBe(true);
  }
  expect(
    agentTurns(await invocations(run.claude))
      .map((turn) => turn.storyId)
      .sort(),
  ).toEqual(['A', 'B']);
  expect(outcomesOf(await expectCompatible(run, api))).toEqual({
    'stories/A/attempt-1.jsonl': 'ok',
    'stories/A/critic-1-1.jsonl': 'ok',
    'stories/B/attempt-1.jsonl': 'ok',
    'stories/B/critic-1-1.jsonl': 'ok',
  });
});
