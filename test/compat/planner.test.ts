// `baro "goal"` with the real claude: the planner answers through the StructuredOutput tool, repairs a plan that breaks
// the rules in its resumed session, and the stories run.
import { afterEach, expect, it } from 'vitest';
import {
  bash,
  byStory,
  grep,
  onPrompt,
  promptSteps,
  read,
  steps,
  structured,
  write,
} from '../fake-anthropic/script.js';
import type { Script } from '../fake-anthropic/script.js';
import { startFakeAnthropic } from '../fake-anthropic/server.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf } from '../e2e/helpers.js';
import { agentTurns, invocations, outcomesOf } from './harness.js';
import { expectCompatible, parseEvents, prepare, runDirIn, runGuarded } from './scenario.js';

useGitSandbox();

let api: FakeAnthropic | undefined;
afterEach(async () => api?.close());

const GOAL = 'Add greetings';

const argAfter = (args: readonly string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

const PLAN = {
  goal: GOAL,
  branch: 'greetings',
  stories: [
    {
      id: 'P1',
      title: 'Hello',
      description: 'Write src/hello.txt.',
      dependsOn: [],
      acceptance: ['src/hello.txt says hello'],
      writes: ['src/hello.txt'],
      tier: 'light',
    },
    {
      id: 'P2',
      title: 'Goodbye',
      description: 'Write src/bye.txt next to src/hello.txt.',
      dependsOn: ['P1'],
      acceptance: ['src/bye.txt says goodbye'],
      writes: ['src/bye.txt'],
      tier: 'light',
    },
  ],
};

// The first answer depends on a story that does not exist; the repair turn answers the plan.
const BROKEN = { ...PLAN, stories: PLAN.stories.map((story) => ({ ...story, dependsOn: ['P9'] })) };
const planner = onPrompt(
  'Your plan cannot be used',
  promptSteps([structured(PLAN)], 'Repaired.'),
  steps([read('README.md'), grep('demo'), bash('git log --oneline'), structured(BROKEN)], 'Planned.'),
);
const stories = byStory({
  P1: steps([write('src/hello.txt', 'hello\n')]),
  P2: steps([read('src/hello.txt'), write('src/bye.txt', 'goodbye\n')]),
});
const script: Script = (turn) => (turn.role === 'planner' ? planner(turn) : stories(turn));

it("plans with the real CLI's structured output, repairs the plan in the same session, runs and merges it", async () => {
  const repo = await makeTempRepo({ files: { 'README.md': '# demo\n' } });
  api = await startFakeAnthropic(script);
  const { env, claude } = await prepare(repo, api);
  const result = await runGuarded([GOAL, '--yes', '--no-push', '--json'], repo, env);
  const events = parseEvents(result.stdout);
  const runDir = runDirIn(events);

  expect(result.stderr).toBe('');
  expect(result.exitCode, result.stdout).toBe(0);
  expect(eventsOf(events, 'planner.rejected')).toMatchObject([
    { repair: 1, issues: expect.arrayContaining([expect.stringContaining('P9')]) },
  ]);
  expect(eventsOf(events, 'plan.ready')[0]).toMatchObject({ stories: 2, levels: [['P1'], ['P2']] });
  expect(eventsOf(events, 'run.completed')[0]).toMatchObject({ status: 'succeeded', branch: 'baro/greetings' });
  expect(await git(repo, 'show', 'baro/greetings:src/hello.txt')).toBe('hello');
  expect(await git(repo, 'show', 'baro/greetings:src/bye.txt')).toBe('goodbye');

  // The planner's read-only tools all ran: --tools brought Grep back, and `git log` is on its allowlist.
  const planning = api.exchanges.filter((exchange) => exchange.turn.role === 'planner').map((e) => e.turn);
  expect(planning.every((turn) => turn.structuredOutput)).toBe(true);
  expect(planning[0]?.tools).toEqual(expect.arrayContaining(['Read', 'Grep', 'Glob', 'Bash', 'StructuredOutput']));
  expect(planning[0]?.cwd).toBe(repo);
  expect(planning.slice(1).map((turn) => turn.lastResults.map((r) => r.isError))).toEqual(
    planning.slice(1).map((turn) => turn.lastResults.map(() => false)),
  );
  expect(planning.length).toBeGreaterThanOrEqual(5);

  const turns = agentTurns(await invocations(claude));
  expect(turns.map((turn) => turn.role)).toEqual(['planner', 'planner', 'story', 'story']);
  const [draft, repair] = turns;
  expect(draft?.args.some((arg) => arg.startsWith('--json-schema='))).toBe(true);
  expect(repair?.args.some((arg) => arg.startsWith('--json-schema='))).toBe(true);
  expect(argAfter(repair?.args ?? [], '--resume')).toBe(argAfter(draft?.args ?? [], '--session-id'));
  const streams = await expectCompatible({ result, events, runDir, claude }, api);
  expect(outcomesOf(streams)).toEqual({
    'planner/turn-1.jsonl': 'ok',
    'planner/turn-2.jsonl': 'ok',
    'stories/P1/attempt-1.jsonl': 'ok',
    'stories/P1/critic-1-1.jsonl': 'ok',
    'stories/P2/attempt-1.jsonl': 'ok',
    'stories/P2/critic-1-1.jsonl': 'ok',
  });
  const answers = streams.filter((check) => check.log.startsWith('planner/'));
  expect(answers.map((check) => check.summary.result?.structured_output)).toEqual([BROKEN, PLAN]);
});
