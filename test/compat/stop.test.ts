// Ctrl-C of a run whose real claude agents are busy running the tests: every agent and its commands gone, exit 3.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { bash, byStory, hold, steps } from '../fake-anthropic/script.js';
import { startFakeAnthropic } from '../fake-anthropic/server.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { alive, until } from '../helpers/process.js';
import { makeTempRepo, useGitSandbox } from '../helpers/repo.js';
import { planOf } from '../e2e/helpers.js';
import { agentTurns, checkStreams, invocations } from './harness.js';
import { expectCleanTurns, parseEvents, runDirIn, startPlanWithRealClaude } from './scenario.js';

useGitSandbox();

let api: FakeAnthropic | undefined;
afterEach(async () => api?.close());

/** Pids of live processes whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter((pid) => pid !== process.pid && alive(pid));
}

it('stops every real claude and the commands they run on SIGINT, and exits 3 with the run saved as stopped', async () => {
  // A sleep no other process on this machine runs, so the agents' own commands can be found by their argv.
  const seconds = `${41 + Math.floor(Math.random() * 50)}.${process.pid}`;
  const marker = `sleep ${seconds}`;
  // The project's test script is long; `npm test` is on baro's allowlist (the CLI refuses a standalone sleep).
  const repo = await makeTempRepo({
    files: {
      'README.md': '# demo\n',
      'package.json': JSON.stringify({ name: 'demo', private: true, scripts: { test: marker } }),
    },
  });
  const busy = steps([bash('npm test'), hold]);
  api = await startFakeAnthropic(byStory({ A: busy, B: busy }));
  const { baro, claude } = await startPlanWithRealClaude(repo, api, planOf('Stop', [{ id: 'A' }, { id: 'B' }]));
  try {
    await until(() => processesWith(marker).length >= 2, 'both agents to run the tests');
  } finally {
    baro.kill('SIGINT');
  }
  const result = await baro;
  const claudes = agentTurns(await invocations(claude));

  expect(claudes.map((call) => call.storyId).sort()).toEqual(['A', 'B']);
  expect(result.exitCode, String(result.stdout)).toBe(3);
  const events = parseEvents(String(result.stdout));
  expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'stopped' });
  await until(() => claudes.every((call) => !alive(call.pid)), 'every claude process to be gone');
  await until(() => processesWith(marker).length === 0, "the agents' test commands to be gone");
  expectCleanTurns(claudes, api);
  // What the agents printed before they were stopped still parses; with no result line each turn counts as killed.
  const streams = await checkStreams(runDirIn(events));
  expect(streams.map((check) => [check.log, check.malformed.length, check.outcome])).toEqual([
    ['stories/A/attempt-1.jsonl', 0, 'killed'],
    ['stories/B/attempt-1.jsonl', 0, 'killed'],
  ]);
});
