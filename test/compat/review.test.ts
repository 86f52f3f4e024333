// The Critic's verdicts, the feedback turn and the Surgeon's answer, each a real claude session: a story the Critic
// fails in every round goes to the Surgeon, whose retry sends it back to its own session, and then it merges.
import { afterEach, expect, it } from 'vitest';
import {
  bash,
  byRole,
  byStory,
  edit,
  onPrompt,
  promptSteps,
  steps,
  structured,
  write,
} from '../fake-anthropic/script.js';
import type { Script } from '../fake-anthropic/script.js';
import { startFakeAnthropic } from '../fake-anthropic/server.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf } from '../e2e/helpers.js';
import { invocations, outcomesOf } from './harness.js';
import { expectCompatible, runPlanWithRealClaude } from './scenario.js';

useGitSandbox();

let api: FakeAnthropic | undefined;
afterEach(async () => api?.close());

const GUIDANCE = 'Write the final text into src/a.txt.';

// The first turn writes a draft, the feedback turn a second one; only the Surgeon's guidance gets it right.
const story = onPrompt(
  '# Review round',
  promptSteps([edit('src/a.txt', 'draft', 'second draft')], 'Revised the draft.'),
  onPrompt(
    "This story failed, and baro's Surgeon",
    promptSteps([write('src/a.txt', 'final\n')], 'Wrote the final text.'),
    steps([write('src/a.txt', 'draft\n')], 'Wrote a draft.'),
  ),
);

const surgeon = steps(
  [bash('git log --oneline'), structured({ action: 'retry', reason: 'the text is a draft', guidance: GUIDANCE })],
  'Answered.',
);

// The Critic reads the story's diff in its prompt: it passes only the final text.
const critic: Script = (turn) => {
  const prompt = turn.prompts[0] ?? '';
  const round = /\(round (\d+)\)/.exec(prompt)?.[1] ?? '?';
  const pass = prompt.includes('+final');
  const verdict = pass
    ? { verdict: 'pass', reasons: ['src/a.txt holds the final text'], unmetCriteria: [] }
    : { verdict: 'fail', reasons: [`round ${round}: src/a.txt is still a draft`], unmetCriteria: ['A is done'] };
  return steps([structured(verdict)], 'Reviewed.')(turn);
};

const argAfter = (args: readonly string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

it("fails a story through the real Critic's verdicts, feeds them back, and merges it after the Surgeon's retry", async () => {
  const config = { review: { maxRounds: 1 } };
  const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', 'baro.config.json': JSON.stringify(config) } });
  api = await startFakeAnthropic(byRole({ story: byStory({ A: story }), surgeon }), critic);
  const run = await runPlanWithRealClaude(repo, api, planOf('Reviewed', [{ id: 'A' }]));

  expect(run.result.stderr).toBe('');
  expect(run.result.exitCode, run.result.stdout).toBe(0);
  expect(await git(repo, 'show', 'baro/reviewed:src/a.txt')).toBe('final');
  // The verdicts are the Critic's structured output, read from the real CLI's result.
  const verdicts = eventsOf(run.events, 'story.verdict');
  expect(verdicts.map((e) => e.verdict)).toEqual(['fail', 'fail', 'pass']);
  expect(verdicts[0]).toMatchObject({ reasons: ['round 1: src/a.txt is still a draft'], unmetCriteria: ['A is done'] });
  expect(eventsOf(run.events, 'replan.applied')).toMatchObject([{ action: 'retry', by: 'surgeon' }]);
  expect(
    eventsOf(run.events, 'story.started')
      .filter((e) => e.storyId === 'A')
      .map((e) => e.purpose),
  ).toEqual(['story', 'feedback', 'guided']);
  expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({ status: 'succeeded' });

  // One session for the story: the feedback and guided turns resume it in its worktree; the Surgeon looks there too.
  const calls = (await invocations(run.claude)).filter((call) => call.args[0] !== '--version');
  const turns = calls.filter((call) => call.role !== 'critic');
  expect(turns.map((call) => call.role)).toEqual(['story', 'story', 'surgeon', 'story']);
  const [first, feedback, surgeonCall, guided] = turns;
  const sessionId = argAfter(first?.args ?? [], '--session-id');
  expect(argAfter(feedback?.args ?? [], '--resume')).toBe(sessionId);
  expect(argAfter(guided?.args ?? [], '--resume')).toBe(sessionId);
  expect(surgeonCall?.args.some((arg) => arg.startsWith('--json-schema='))).toBe(true);
  expect(surgeonCall?.cwd).toBe(first?.cwd);
  expect(calls.filter((call) => call.role === 'critic')).toHaveLength(3);

  // What each real session sent: the verdict and the guidance reached the story, the Surgeon's tools ran.
  const asked = api.exchanges.map((exchange) => exchange.turn);
  const prompts = (role: string) => asked.filter((turn) => turn.role === role).map((turn) => turn.prompts.at(-1));
  expect(prompts('story').some((p) => p?.includes('round 1: src/a.txt is still a draft'))).toBe(true);
  expect(prompts('story').some((p) => p?.includes(GUIDANCE))).toBe(true);
  const surgeonTurns = asked.filter((turn) => turn.role === 'surgeon');
  expect(surgeonTurns[0]).toMatchObject({ structuredOutput: true, cwd: first?.cwd });
  expect(surgeonTurns[0]?.prompts[0]).toContain('# Story A failed');
  expect(surgeonTurns[1]?.lastResults).toMatchObject([{ isError: false, text: expect.stringContaining('A:') }]);
  // baro's rules reach the story's system prompt (--append-system-prompt-file), and only the story's.
  expect(asked.filter((turn) => turn.role === 'story').every((turn) => turn.system.includes('(baro story A)'))).toBe(
    true,
  );
  expect(asked.filter((turn) => turn.role !== 'story').some((turn) => turn.system.includes('(baro story'))).toBe(false);
  expect(asked.filter((turn) => turn.role === 'critic').every((turn) => turn.structuredOutput)).toBe(true);

  const streams = await expectCompatible(run, api);
  // Each review is kept under the turn it judged: the retried run's first review does not overwrite the first run's.
  expect(outcomesOf(streams)).toEqual({
    'stories/A/attempt-1.jsonl': 'ok',
    'stories/A/critic-1-1.jsonl': 'ok',
    'stories/A/attempt-2.jsonl': 'ok',
    'stories/A/critic-2-1.jsonl': 'ok',
    'surgeon/1-A.jsonl': 'ok',
    'stories/A/attempt-3.jsonl': 'ok',
    'stories/A/critic-3-1.jsonl': 'ok',
  });
  expect(streams.find((check) => check.log === 'surgeon/1-A.jsonl')?.summary.result?.structured_output).toMatchObject({
    action: 'retry',
  });
});
