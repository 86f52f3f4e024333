// baro's permissions as the real claude applies them: a denial surfaced in the events and report, and bypass mode.
import { readFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { bash, byStory, steps, write } from '../fake-anthropic/script.js';
import { startFakeAnthropic } from '../fake-anthropic/server.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { git, makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { eventsOf, planOf } from '../e2e/helpers.js';
import { agentTurns, invocations, outcomesOf } from './harness.js';
import { expectCompatible, runPlanWithRealClaude } from './scenario.js';

useGitSandbox();

let api: FakeAnthropic | undefined;
afterEach(async () => api?.close());

// Not on baro's allowlist and not a file edit, so acceptEdits asks, and in -p mode asking is a denial (docs/claude-cli.md §4).
const UNLISTED = 'curl -sS http://127.0.0.1:9/baro-compat';

it('reports the Bash call the real CLI denied, and still merges the story', async () => {
  const repo = await makeTempRepo();
  api = await startFakeAnthropic(
    byStory({ D: steps([write('src/d.txt', 'd\n'), bash(UNLISTED)], 'Wrote src/d.txt; curl was not allowed.') }),
  );
  const run = await runPlanWithRealClaude(repo, api, planOf('Denied', [{ id: 'D' }]));

  expect(run.result.stderr).toBe('');
  expect(run.result.exitCode, run.result.stdout).toBe(0);
  expect(await git(repo, 'show', 'baro/denied:src/d.txt')).toBe('d');
  // The model was told: the call came back as an error result.
  const afterCurl = api.exchanges.find((exchange) => exchange.turn.step === 2)?.turn;
  expect(afterCurl?.lastResults).toMatchObject([{ isError: true }]);

  const denied = eventsOf(run.events, 'story.denied');
  expect(denied).toMatchObject([{ storyId: 'D', tool: 'Bash', message: expect.any(String) }]);
  expect(eventsOf(run.events, 'story.tool')).toContainEqual(
    expect.objectContaining({ storyId: 'D', name: 'Bash', command: UNLISTED, ok: false }),
  );
  const completed = eventsOf(run.events, 'run.completed')[0];
  expect(completed).toMatchObject({ status: 'succeeded' });
  const report = await readFile(String(completed?.report), 'utf8');
  expect(report).toContain('D was denied Bash');

  const streams = await expectCompatible(run, api);
  expect(outcomesOf(streams)).toEqual({ 'stories/D/attempt-1.jsonl': 'denied', 'stories/D/critic-1-1.jsonl': 'ok' });
  expect(streams[0]?.summary.result?.permission_denials).toMatchObject([
    { tool_name: 'Bash', tool_input: { command: UNLISTED } },
  ]);
});

it('runs an unlisted command under bypassPermissions, declaring the sandbox itself when it runs as root', async () => {
  const repo = await makeTempRepo({
    files: {
      'README.md': '# demo\n',
      'baro.config.json': JSON.stringify({ agent: { permissionMode: 'bypassPermissions' } }),
    },
  });
  api = await startFakeAnthropic(byStory({ B: steps([bash('echo bypassed > bypass.txt')], 'Wrote bypass.txt.') }));
  // No sandbox declared by the caller: as root the CLI refuses bypass unless baro sets IS_SANDBOX=1 itself (docs/claude-cli.md §2).
  const run = await runPlanWithRealClaude(repo, api, planOf('Bypass', [{ id: 'B' }]), [], { IS_SANDBOX: '' });

  expect(run.result.exitCode, run.result.stdout).toBe(0);
  expect(await git(repo, 'show', 'baro/bypass:bypass.txt')).toBe('bypassed');
  expect(eventsOf(run.events, 'story.denied')).toEqual([]);
  const [turn] = agentTurns(await invocations(run.claude));
  expect(turn?.args).toContain('--dangerously-skip-permissions');
  expect(outcomesOf(await expectCompatible(run, api))).toEqual({
    'stories/B/attempt-1.jsonl': 'ok',
    'stories/B/critic-1-1.jsonl': 'ok',
  });
});
