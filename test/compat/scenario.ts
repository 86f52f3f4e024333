// One compatibility scenario: baro's own CLI, the real claude, the fake API; and the checks every scenario shares.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { eventsOf } from '../e2e/helpers.js';
import type { ReportedEvent } from '../e2e/helpers.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';
import { startBaro } from '../helpers/cli.js';
import type { BaroResult } from '../helpers/cli.js';
import { checkStreams, compatEnv, invocations, realClaude } from './harness.js';
import type { Invocation, RealClaude, StreamCheck } from './harness.js';

export interface CompatRun {
  readonly result: BaroResult;
  readonly events: ReportedEvent[];
  readonly runDir: string;
  readonly claude: RealClaude;
}

export const parseEvents = (stdout: string): ReportedEvent[] =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ReportedEvent);

export const runDirIn = (events: readonly ReportedEvent[]): string =>
  String(eventsOf(events, 'run.started')[0]?.runDir ?? '');

export interface Prepared {
  readonly env: Record<string, string>;
  readonly claude: RealClaude;
  readonly planPath: string;
}

/** Writes the plan (if any) next to the repository and sets up the wrapper and environment for the real claude. */
export async function prepare(repo: string, api: FakeAnthropic, plan?: unknown): Promise<Prepared> {
  const dir = dirname(repo);
  const planPath = join(dir, 'plan.json');
  if (plan !== undefined) await writeFile(planPath, JSON.stringify(plan, null, 2));
  const claude = await realClaude(dir);
  return { env: await compatEnv(dir, api, claude), claude, planPath };
}

// Past the test's own timeout a hung run is stopped as a person would, so no agent outlives the test.
const STOP_AFTER_MS = 150_000;

/** Runs `baro <args>` to its end, Ctrl-C'd if it hangs. */
export async function runGuarded(args: string[], cwd: string, env: Record<string, string>): Promise<BaroResult> {
  const baro = startBaro(args, { cwd, env });
  const guard = setTimeout(() => baro.kill('SIGINT'), STOP_AFTER_MS);
  try {
    const result = await baro;
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  } finally {
    clearTimeout(guard);
  }
}

/** `baro run --plan … --json --no-push --yes` in `repo`, every agent the real claude answered by `api`. */
export async function runPlanWithRealClaude(
  repo: string,
  api: FakeAnthropic,
  plan: unknown,
  args: readonly string[] = [],
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<CompatRun> {
  const { env, claude, planPath } = await prepare(repo, api, plan);
  const argv = ['run', '--plan', planPath, '--json', '--no-push', '--yes', ...args];
  const result = await runGuarded(argv, repo, { ...env, ...extraEnv });
  const events = parseEvents(result.stdout);
  return { result, events, runDir: runDirIn(events), claude };
}

/** Starts the same run without waiting, for a test that signals it. */
export async function startPlanWithRealClaude(repo: string, api: FakeAnthropic, plan: unknown) {
  const { env, claude, planPath } = await prepare(repo, api, plan);
  const baro = startBaro(['run', '--plan', planPath, '--json', '--no-push', '--yes'], { cwd: repo, env });
  return { baro, claude };
}

/**
 * The argv baro built was accepted: no claude process wrote anything on stderr (an option error is the CLI's only
 * message there), and the fake API could read every request the CLI sent.
 */
export function expectCleanTurns(calls: readonly Invocation[], api: FakeAnthropic): void {
  const complaints = calls.filter((call) => call.stderr.trim() !== '');
  expect(complaints.map((call) => ({ args: call.args.slice(0, -1), stderr: call.stderr }))).toEqual([]);
  expect(api.problems).toEqual([]);
  expect(api.exchanges.every((exchange) => exchange.turn.cwd !== '')).toBe(true);
}

/** Every kept stream of the run parses with baro's own schemas: no malformed line anywhere. */
export async function expectWellFormedStreams(runDir: string): Promise<StreamCheck[]> {
  const streams = await checkStreams(runDir);
  expect(streams.length).toBeGreaterThan(0);
  expect(streams.filter((check) => check.malformed.length > 0).map((check) => [check.log, check.malformed])).toEqual(
    [],
  );
  expect(streams.every((check) => check.lines > 0 && check.summary.result !== undefined)).toBe(true);
  return streams;
}

/** The clean-argv and well-formed-stream checks of a finished run, its streams handed back for outcome checks. */
export async function expectCompatible(run: CompatRun, api: FakeAnthropic): Promise<StreamCheck[]> {
  expectCleanTurns(await invocations(run.claude), api);
  return expectWellFormedStreams(run.runDir);
}
