// Shared set-up of the end-to-end runs: a temp repo, a plan, the fake claude, and reading what the run reported.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { setupFakeClaude } from '../fake-claude/scenario.js';
import type { FakeScenario, FakeClaudeSetup } from '../fake-claude/scenario.js';
import { runBaro } from '../helpers/cli.js';
import type { BaroResult } from '../helpers/cli.js';
import { isolatedGitEnv } from '../helpers/repo.js';

export interface PlanStoryInput {
  readonly id: string;
  readonly dependsOn?: readonly string[];
  readonly writes?: readonly string[];
}

export function planOf(goal: string, stories: readonly PlanStoryInput[]) {
  return {
    goal,
    stories: stories.map((s) => ({
      id: s.id,
      title: `story ${s.id}`,
      description: `Do the work of ${s.id}.`,
      dependsOn: s.dependsOn ?? [],
      acceptance: [`${s.id} is done`],
      ...(s.writes ? { writes: s.writes } : {}),
    })),
  };
}

const eventSchema = z.looseObject({ type: z.string(), ts: z.iso.datetime() });
export type ReportedEvent = z.infer<typeof eventSchema> & Record<string, unknown>;

export interface E2eRun {
  readonly result: BaroResult;
  readonly events: ReportedEvent[];
  readonly fake: FakeClaudeSetup;
  readonly home: string;
}

export interface RunPlanExtra {
  /** Push (and open a PR) instead of `--no-push`. */
  readonly push?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  /** A built baro (dist/cli/main.js) to run instead of the source. */
  readonly main?: string;
}

/** Runs `baro run --plan … --json --no-push` in repoDir with the fake claude playing `scenario`. */
export async function runPlan(
  repoDir: string,
  plan: unknown,
  scenario: FakeScenario,
  args: readonly string[] = [],
  extra: RunPlanExtra = {},
): Promise<E2eRun> {
  const dir = dirname(repoDir);
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(plan, null, 2));
  const fake = setupFakeClaude(dir, scenario);
  const home = join(dir, 'baro-home');
  const push = extra.push === true ? [] : ['--no-push'];
  const result = await runBaro(['run', '--plan', planPath, '--json', ...push, '--yes', ...args], {
    cwd: repoDir,
    env: { ...(await isolatedGitEnv()), ...fake.env, BARO_CLAUDE_BIN: fake.bin, BARO_HOME: home, ...extra.env },
    main: extra.main,
  });
  const events = result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => eventSchema.parse(JSON.parse(line)) as ReportedEvent);
  return { result, events, fake, home };
}

export function eventsOf(events: readonly ReportedEvent[], type: string): ReportedEvent[] {
  return events.filter((e) => e.type === type);
}

export function tsOf(event: ReportedEvent): number {
  return Date.parse(event.ts);
}
