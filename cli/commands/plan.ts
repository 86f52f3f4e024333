// `baro plan "goal" [--out FILE]`: map the repository and plan the goal; print or write the plan, run nothing.
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { createActor, toPromise } from 'xstate';
import { provideCartographer } from '../../actors/cartographer.js';
import { providePlanner } from '../../actors/runtime.js';
import type { PlannerEmitted } from '../../machines/planner.js';
import { resolveClaudeBin } from '../../services/claude/argv.js';
import { runSession } from '../../services/claude/session.js';
import { baroHome, newRunId } from '../../services/store/paths.js';
import { ExitCode, UsageError } from '../errors.js';
import type { RunOptions } from '../options.js';
import { plannerError, PLANNING_LIMITS } from '../planning.js';
import { assertAgentRuns } from '../preflight.js';
import { readRunConfig } from '../run-config.js';
import { plainLine } from '../run-events.js';
import { gitRepoRoot, usableHome } from './run-prepare.js';
import { planSize } from '../../services/words.js';

export interface PlanOptions {
  /** Write the plan here instead of printing it. */
  readonly out: string | undefined;
  /** The run options `plan` shares: `--model-planner` and `--config`; the config file's values merge under them. */
  readonly flags: RunOptions;
}

export interface PlanIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: Writable;
  /** Progress and the closing hint. */
  readonly err: Writable;
  readonly stopRequested: Promise<void>;
}

function processIo(): PlanIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: process.stdout,
    err: process.stderr,
    stopRequested: new Promise((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    }),
  };
}

export async function planCommand(goal: string, options: PlanOptions, io: PlanIo = processIo()): Promise<number> {
  if (goal.trim() === '') throw new UsageError('Missing goal: baro plan "<goal>" [--out FILE].', { option: 'goal' });
  if (options.out?.trim() === '') throw new UsageError('--out needs a file name.', { option: '--out' });
  const repoDir = await gitRepoRoot(io.cwd);
  const { options: merged, settings } = await readRunConfig({ options: options.flags, cwd: io.cwd });
  await assertAgentRuns({ cwd: repoDir, env: io.env });
  const home = baroHome(io.env, homedir());
  await usableHome(home);
  const repoMap = await toPromise(createActor(provideCartographer({ home }), { input: { repoDir } }).start());
  const planner = providePlanner(
    {
      runId: `plan-${newRunId()}`,
      bin: resolveClaudeBin(io.env),
      baseEnv: io.env,
      runSession,
      now: Date.now,
      repoDir,
      model: merged.models.planner,
      rawLogPath: undefined,
    },
    Date.now,
  );
  const actor = createActor(planner, {
    input: {
      goal: goal.trim(),
      repoSummary: repoMap.summary,
      sessionId: undefined,
      feedback: undefined,
      limits: { ...PLANNING_LIMITS, quotaMarginMs: settings.quota.marginSeconds * 1000 },
    },
  });
  actor.on('*', (event: PlannerEmitted) => {
    const line = plainLine(event);
    if (line !== undefined) io.err.write(`${line}\n`);
  });
  actor.start();
  const end = await Promise.race([toPromise(actor), io.stopRequested.then(() => undefined)]);
  if (end === undefined) {
    actor.stop();
    return ExitCode.stopped;
  }
  if (end.status === 'invalid') throw plannerError(end.issues);
  if (end.status === 'failed') {
    // The planner's failure (a login, a crash of claude), not baro's: no stack to offer.
    io.err.write(`error: planning failed: ${end.reason}\n`);
    return ExitCode.failed;
  }
  const { plan, levels } = end.proposal;
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  if (options.out === undefined) {
    io.out.write(json);
    return ExitCode.succeeded;
  }
  const path = resolve(io.cwd, options.out);
  await writeFile(path, json);
  io.err.write(
    `Plan written to ${path}: ${planSize(plan.stories.length, levels.length)}. Run it with: baro run --plan ${options.out}\n`,
  );
  return ExitCode.succeeded;
}
