// `baro run --plan FILE`: prepare, review, run the actor tree, report each event, and map the end to an exit code.
import type { Readable, Writable } from 'node:stream';
import { createActor } from 'xstate';
import type { ActorRefFrom, ActorRefLike, AnyActorRef } from 'xstate';
import { provideRun } from '../../actors/runtime.js';
import type { librarianMachine } from '../../machines/librarian.js';
import type { RunOutput } from '../../machines/run.js';
import { resolveClaudeBin } from '../../services/claude/argv.js';
import { runSession } from '../../services/claude/session.js';
import { identityArgs } from '../../services/git/commit.js';
import { defaultAllowedTools } from '../../services/permissions.js';
import { writeJsonAtomic } from '../../services/store/files.js';
import { saveRun } from '../../services/store/runs.js';
import { confirmPlan, planText } from '../confirm.js';
import { ExitCode } from '../errors.js';
import type { RunOptions } from '../options.js';
import type { RunReportEvent } from '../run-events.js';
import { finalStatus, storySummaries } from '../run-summary.js';
import { startWatch } from '../watch.js';
import { prepareRun } from './run-prepare.js';

const MAX_TURNS = 200;
const LIMITS = { transientRetries: 3, conflictRounds: 3 } as const;

/** Where a run reads and writes; the process by default, a sink and a folder in benchmarks. */
export interface RunIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: Writable;
  /** Where the inspector's address is announced; defaults to the process's stderr. */
  readonly err?: Writable;
  /** Whether `out` is a terminal: the TUI then shows the run (unless --json). */
  readonly tty?: boolean;
  /** A terminal to review the plan on; undefined runs without asking. */
  readonly terminal?: { readonly input: Readable; readonly output: Writable } | undefined;
  /** Resolves when the person (or `baro stop`) asks the run to stop. */
  readonly stopRequested: Promise<void>;
}

export function processIo(): RunIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: process.stdout,
    err: process.stderr,
    tty: process.stdout.isTTY === true,
    terminal:
      process.stdin.isTTY && process.stderr.isTTY ? { input: process.stdin, output: process.stderr } : undefined,
    stopRequested: new Promise((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    }),
  };
}

export async function runCommand(
  goal: string | undefined,
  options: RunOptions,
  io: RunIo = processIo(),
): Promise<number> {
  const startedAt = new Date();
  const run = await prepareRun({ goal, options, cwd: io.cwd, env: io.env, startedAt });
  const { plan, levels, paths, record, branch, remote, storyBranch } = run;
  if (!options.yes && !options.json && io.terminal && !(await confirmPlan(planText(plan, levels), io.terminal))) {
    await saveRun(paths, { ...record, status: 'stopped', finishedAt: new Date().toISOString() });
    return ExitCode.stopped;
  }

  const reporter = await startWatch({
    json: options.json,
    inspect: options.inspect,
    runId: record.runId,
    runDir: paths.runDir,
    journal: paths.eventsJsonl,
    out: io.out,
    err: io.err ?? process.stderr,
    tty: io.tty ?? false,
  });
  reporter.report({
    type: 'run.started',
    runId: record.runId,
    goal: record.goal,
    branch,
    base: record.base.branch,
    parallel: options.parallel,
    runDir: paths.runDir,
    repo: run.repoDir,
  });
  reporter.report({ type: 'plan.ready', stories: plan.stories.length, levels });

  const machine = provideRun({
    now: Date.now,
    agent: {
      runId: record.runId,
      goal: record.goal,
      paths,
      bin: resolveClaudeBin(io.env),
      baseEnv: io.env,
      model: options.models.story,
      maxTurns: MAX_TURNS,
      permissionMode: 'acceptEdits',
      allowedTools: await defaultAllowedTools(run.repoDir),
      checks: [],
      storyBranch,
      runSession,
      now: Date.now,
    },
    git: {
      repoRoot: run.repoDir,
      paths,
      integrationBranch: branch,
      storyBranch,
      baseSha: record.base.sha,
      remote,
      identity: await identityArgs(run.repoDir),
    },
  });
  // Every actor's emitted domain events, children included, reach the reporter from the moment the actor exists.
  const listen = (ref: ActorRefLike) =>
    (ref as AnyActorRef).on('*', (event) => reporter.report(event as RunReportEvent));
  const actor = createActor(machine, {
    input: {
      runId: record.runId,
      conductor: { stories: plan.stories, levels, parallel: options.parallel, limits: LIMITS },
      publish: remote === undefined ? undefined : { branch, remote },
      librarian: {},
    },
    inspect: (event) => {
      if (event.type === '@xstate.actor') listen(event.actorRef);
      reporter.inspect(event);
    },
  });
  const finished = new Promise<RunOutput>((resolveDone, rejectDone) => {
    actor.subscribe({
      next: (snapshot) => snapshot.status === 'done' && resolveDone(snapshot.output),
      error: rejectDone,
    });
  });
  actor.start();
  const end = await Promise.race([finished, io.stopRequested.then(() => undefined)]);
  const librarian = actor.system.get('librarian') as ActorRefFrom<typeof librarianMachine> | undefined;
  // Stopping the tree stops every agent process; their worktrees stay for `baro resume`.
  if (end === undefined) actor.stop();
  if (librarian) await writeJsonAtomic(paths.libraryJson, librarian.getSnapshot().context.knowledge);

  const stories = storySummaries(plan.stories, end);
  const status = finalStatus(end, stories);
  reporter.report({
    type: 'run.completed',
    runId: record.runId,
    status,
    branch,
    prUrl: null,
    pushed: end?.pushed ?? false,
    stories,
    timing: {
      wallMs: Date.now() - startedAt.getTime(),
      planMs: 0,
      agentMsTotal: stories.reduce((sum, s) => sum + s.agentMs, 0),
    },
    error: end?.error ?? end?.pushError,
  });
  await reporter.close(status);
  const titles = new Map(plan.stories.map((s) => [s.id, s.title]));
  await saveRun(paths, {
    ...record,
    status,
    finishedAt: new Date().toISOString(),
    stories: stories.map((s) => ({
      id: s.id,
      title: titles.get(s.id) ?? s.id,
      status: s.status,
      attempts: s.attempts,
      agentMs: s.agentMs,
      costUsd: s.costUsd,
    })),
  });
  if (status === 'stopped') return ExitCode.stopped;
  return status === 'succeeded' ? ExitCode.succeeded : ExitCode.failed;
}
