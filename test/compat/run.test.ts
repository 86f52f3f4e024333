// `baro run --plan` with the real claude: its own Write, Edit and Bash tools do the stories' work, baro merges it.
import { afterEach, expect, it } from 'vitest';
import { bash, byStory, edit, read, steps, write } from '../fake-anthropic/script.js';
import { startFakeAnthropic } from '../fake-anthropic/server.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf } from '../e2e/helpers.js';
import { agentTurns, invocations, outcomesOf } from './harness.js';
import { expectCompatible, runPlanWithRealClaude } from './scenario.js';

useGitSandbox();

let api: FakeAnthropic | undefined;
afterEach(async () => api?.close());

it('runs three stories whose files the real CLI writes and edits, and merges them onto one branch', async () => {
  const repo = await makeTempRepo({ files: { 'README.md': '# demo\n' } });
  api = await startFakeAnthropic(
    byStory({
      S1: steps([write('src/one.txt', 'one\n')], 'Wrote src/one.txt.'),
      S2: steps([write('src/two.txt', 'two\n'), edit('src/two.txt', 'two', 'two, edited')], 'Wrote src/two.txt.'),
      S3: steps(
        [
          read('README.md'),
          edit('README.md', '# demo', '# demo\n\nOne and two are in src/.'),
          bash("git add -A && git commit -qm 'S3: README names one and two'"),
        ],
        'Updated the README and committed.',
      ),
    }),
  );
  const plan = planOf('Three files', [{ id: 'S1' }, { id: 'S2' }, { id: 'S3', dependsOn: ['S1', 'S2'] }]);
  const run = await runPlanWithRealClaude(repo, api, plan);

  expect(run.result.stderr).toBe('');
  expect(run.result.exitCode, run.result.stdout).toBe(0);
  expect(eventsOf(run.events, 'run.completed')[0]).toMatchObject({ status: 'succeeded', branch: 'baro/three-files' });
  expect(await git(repo, 'show', 'baro/three-files:src/one.txt')).toBe('one');
  expect(await git(repo, 'show', 'baro/three-files:src/two.txt')).toBe('two, edited');
  expect(await git(repo, 'show', 'baro/three-files:README.md')).toBe('# demo\n\nOne and two are in src/.');
  expect(await git(repo, 'log', '--format=%s', 'baro/three-files')).toContain('S3: README names one and two');
  const merges = (await git(repo, 'log', '--merges', '--format=%s', 'baro/three-files')).split('\n');
  expect(merges.sort()).toEqual(['Merge S1: story S1', 'Merge S2: story S2', 'Merge S3: story S3']);

  // Each Critic's verdict came back as the CLI's structured output.
  const verdicts = eventsOf(run.events, 'story.verdict').map((e) => [e.storyId, e.round, e.verdict]);
  expect(verdicts.sort()).toEqual([
    ['S1', 1, 'pass'],
    ['S2', 1, 'pass'],
    ['S3', 1, 'pass'],
  ]);
  // baro saw the real tool calls as its own typed events.
  const tools = eventsOf(run.events, 'story.tool').map((e) => `${String(e.storyId)} ${String(e.name)}`);
  expect(tools).toEqual(expect.arrayContaining(['S1 Write', 'S2 Write', 'S2 Edit', 'S3 Read', 'S3 Edit', 'S3 Bash']));
  expect(eventsOf(run.events, 'story.tool').every((e) => e.ok === true)).toBe(true);

  const turns = agentTurns(await invocations(run.claude));
  expect(turns.map((turn) => turn.storyId).sort()).toEqual(['S1', 'S2', 'S3']);
  expect(outcomesOf(await expectCompatible(run, api))).toEqual({
    'stories/S1/attempt-1.jsonl': 'ok',
    'stories/S1/critic-1-1.jsonl': 'ok',
    'stories/S2/attempt-1.jsonl': 'ok',
    'stories/S2/critic-1-1.jsonl': 'ok',
    'stories/S3/attempt-1.jsonl': 'ok',
    'stories/S3/critic-1-1.jsonl': 'ok',
  });
  // Each session asked the model once per step plus once for its final text, always from its own worktree.
  for (const id of ['S1', 'S2', 'S3']) {
    const asked = api.exchanges.filter((exchange) => exchange.turn.storyId === id);
    expect(new Set(asked.map((exchange) => exchange.turn.cwd))).toEqual(
      new Set([turns.find((t) => t.storyId === id)?.cwd]),
    );
  }
});

it('passes every option a configuration adds to the argv: model, turns, budget and allowlist', async () => {
  const config = {
    models: { story: 'haiku' },
    agent: { maxTurns: 50, maxBudgetUsd: 5, allowedTools: ['Bash(echo:*)'] },
  };
  const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', 'baro.config.json': JSON.stringify(config) } });
  api = await startFakeAnthropic(byStory({ C: steps([bash('echo configured'), write('c.txt', 'c\n')]) }));
  const run = await runPlanWithRealClaude(repo, api, planOf('Configured', [{ id: 'C' }]));

  expect(run.result.exitCode, run.result.stdout).toBe(0);
  expect(await git(repo, 'show', 'baro/configured:c.txt')).toBe('c');
  const [turn] = agentTurns(await invocations(run.claude));
  expect(turn?.args).toEqual(
    expect.arrayContaining(['--model', 'haiku', '--max-turns', '50', '--max-budget-usd', '5']),
  );
  expect(turn?.args.find((arg) => arg.startsWith('--allowedTools='))).toContain('Bash(echo:*)');
  // The alias reached the API resolved, and the allowed command ran.
  expect(new Set(api.exchanges.map((exchange) => exchange.turn.model))).toEqual(new Set(['claude-haiku-5-5']));
  const afterEcho = api.exchanges.find((exchange) => exchange.turn.storyId === 'C' && exchange.turn.step === 1);
  expect(afterEcho?.turn.lastResults).toMatchObject([{ isError: false, text: 'configured' }]);
  expect(outcomesOf(await expectCompatible(run, api))).toEqual({
    'stories/C/attempt-1.jsonl': 'ok',
    'stories/C/critic-1-1.jsonl': 'ok',
  });
});

it('hands a story prompt too large for argv to the real CLI on stdin', async () => {
  const repo = await makeTempRepo();
  api = await startFakeAnthropic(byStory({ L: steps([write('l.txt', 'l\n')]) }));
  const context = Array.from({ length: 4000 }, (_, i) => `Context line ${i}: keep the change small.`).join('\n');
  const plan = planOf('Large', [{ id: 'L' }]);
  const large = { ...plan, stories: plan.stories.map((story) => ({ ...story, description: context })) };
  const run = await runPlanWithRealClaude(repo, api, large);

  expect(run.result.exitCode, run.result.stdout).toBe(0);
  expect(await git(repo, 'show', 'baro/large:l.txt')).toBe('l');
  const [turn] = agentTurns(await invocations(run.claude));
  expect(turn?.args).not.toContain('--');
  const asked = api.exchanges.find((exchange) => exchange.turn.storyId === 'L');
  expect(asked?.turn.prompts[0]).toContain('Context line 3999: keep the change small.');
  expect(outcomesOf(await expectCompatible(run, api))).toEqual({
    'stories/L/attempt-1.jsonl': 'ok',
    'stories/L/critic-1-1.jsonl': 'ok',
  });
});
