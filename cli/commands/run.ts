// `baro run --plan FILE`: validate, prepare the run folder, start the actor tree, report, and map the end to an exit code.
import { homedir } from 'node:os';
import type { Writable } from 'node:stream';
import { resolve } from 'node:path';
import { createActor } from 'xstate';
import type { ActorRefLike, AnyActorRef } from 'xstate';
import { provideRun } from '../../actors/runtime.js';
import { computeLevels, runStatus } from '../../machines/dag.js';
import type { RunOutput } from '../../machines/run.js';
import { runSession } from '../../services/claude/session.js';
import { resolveClaudeBin } from '../../services/claude/argv.js';
import { NotAGitRepoError } from '../../services/git/errors.js';
import { branchExists, remoteUrl, repoRoot, resolveBase } from '../../services/git/repo.js';
import { removeWorktree } from '../../services/git/worktree.js';
import { PlanError, branchForPlan, loadPlan } from '../../services/plan.js';
import type { Plan } from '../../services/plan.js';
import { baroHome, newRunId, runPaths } from '../../services/store/paths.js';
import { saveRun } from '../../services/store/runs.js';
import type { RunRecord } from '../../services/store/runs.js';
import { writeJsonAtomic } from '../../services/store/files.js';
import { ExitCode, UsageError } from '../errors.js';
import type { RunOptions } from '../options.js';
import { createReporter } from '../reporter.js';
import type { RunReportEvent, StorySummaryLine } from '../run-events.js';
import { defaultAllowedTools } from '../../services/permissions.js';

const MAX_TURNS = 200;

async function gitRepoRoot(cwd: string): Promise<string> {
  try {
    return await repoRoot(cwd);
  } catch (error) {
    if (error instanceof NotAGitRepoError) {
      throw new UsageError(`${cwd} is not inside a git repository: run baro from the repository it should work on.`, { cause: error });
    }
    throw error;
  }
}

async function readPlan(path: string): Promise<Plan> {
  try {
    return await loadPlan(path);
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.message, { option: '--plan', value: path, cause: error });
    throw error;
  }
}

/** `baro/<slug>`, or `baro/<slug>-2`… when an earlier run already owns the name: never reuse someone's branch. */
async function freeBranch(repoDir: string, wanted: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    if (!(await branchExists(repoDir, candidate))) return candidate;
  }
}

function summaries(plan: Plan, output: RunOutput | undefined): StorySummaryLine[] {
  return plan.stories.map((story) => {
    const result = output?.outcome?.results[story.id];
    return {
      id: story.id,
      status: output?.outcome?.status[story.id] ?? 'pending',
      attempts: result?.attempts ?? 0,
      agentMs: result?.agentMs ?? 0,
      costUsd: result?.costUsd ?? 0,
      reason: result?.reason,
    };
  });
}

/** Where a run reads and writes; the process by default, a sink and a folder in benchmarks. */
export interface RunIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: Writable;
  /** Resolves when the person (or `baro stop`) asks the run to stop. */
  readonly stopRequested: Promise<void>;
}

function processIo(): RunIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: process.stdout,
    stopRequested: new Promise((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    }),
  };
}

export async function runCommand(goal: string | undefined, options: RunOptions, io: RunIo = processIo()): Promise<number> {
  const startedAt = new Date();
  const { cwd, env } = io;
  const repoDir = await gitRepoRoot(cwd);
  if (options.plan === undefined) {
    throw new UsageError('baro cannot plan with a model yet: write a plan file (README, "Plan file") and pass it with --plan FILE.');
  }
  const plan = await readPlan(resolve(cwd, options.plan));
  const levels = computeLevels(plan.stories);
  const base = await resolveBase({ repoDir, ...(options.base !== undefined ? { base: options.base } : {}) });
  const branch = await freeBranch(repoDir, branchForPlan(plan));
  const remote = options.push && (await remoteUrl(repoDir)) !== undefined ? 'origin' : undefined;
  const runId = newRunId(startedAt);
  const paths = runPaths({ home: baroHome(env, homedir()), repoRoot: repoDir, runId });
  const storyBranch = (storyId: string) => `baro-stories/${runId}/${storyId}`;
  const record: RunRecord = {
    runId,
    goal: goal ?? plan.goal,
    repoRoot: repoDir,
    branch,
    base,
    status: 'running',
    startedAt: startedAt.toISOString(),
    options: { parallel: options.parallel, push: options.push, pr: options.pr, draft: options.draft, models: options.models },
    plan,
  };
  await saveRun(paths, record);

  const reporter = createReporter({ json: options.json, out: io.out, journal: paths.eventsJsonl });
  reporter.report({ type: 'run.started', runId, goal: record.goal, branch, base: base.branch, parallel: options.parallel, runDir: paths.runDir });
  reporter.report({ type: 'plan.ready', stories: plan.stories.length, levels });

  const machine = provideRun({
    now: Date.now,
    agent: {
      runId,
      goal: record.goal,
      paths,
      bin: resolveClaudeBin(env),
      baseEnv: env,
      model: options.models.story,
      maxTurns: MAX_TURNS,
      permissionMode: 'acceptEdits',
      allowedTools: await defaultAllowedTools(repoDir),
      checks: [],
      storyBranch,
      runSession,
      now: Date.now,
    },
    git: { repoRoot: repoDir, paths, integrationBranch: branch, storyBranch, baseSha: base.sha, remote },
  });
  const listen = (ref: ActorRefLike) => (ref as AnyActorRef).on('*', (event) => reporter.report(event as RunReportEvent));
  const actor = createActor(machine, {
    input: {
      runId,
      conductor: { stories: plan.stories, levels, parallel: options.parallel, limits: { transientRetries: 3, conflictRounds: 3 } },
      publish: remote === undefined ? undefined : { branch, remote },
      librarian: {},
    },
    inspect: (event) => {
      if (event.type === '@xstate.actor') listen(event.actorRef);
    },
  });

  const stopped = io.stopRequested.then(() => 'stopped' as const);
  const finished = new Promise<RunOutput>((resolveDone, rejectDone) => {
    actor.subscribe({
      next: (snapshot) => {
        if (snapshot.status === 'done') resolveDone(snapshot.output);
      },
      error: rejectDone,
    });
  });
  actor.start();
  const end = await Promise.race([finished, stopped]);
  const output = end === 'stopped' ? undefined : end;
  const librarian = actor.system.get('librarian') as AnyActorRef | undefined;
  if (end === 'stopped') actor.stop();
  if (librarian) await writeJsonAtomic(paths.libraryJson, librarian.getSnapshot().context.knowledge);

  const stories = summaries(plan, output);
  const status = end === 'stopped' ? 'stopped' : output?.error !== undefined ? 'failed' : runStatus(Object.fromEntries(stories.map((s) => [s.id, s.status as 'merged'])));
  if (status === 'succeeded' || status === 'partial' || status === 'failed') {
    await removeWorktree({ repoDir, path: paths.integrationWorktree });
  }
  const completed: RunReportEvent = {
    type: 'run.completed',
    runId,
    status,
    branch,
    prUrl: null,
    pushed: output?.pushed ?? false,
    stories,
    timing: { wallMs: Date.now() - startedAt.getTime(), planMs: 0, agentMsTotal: stories.reduce((sum, s) => sum + s.agentMs, 0) },
    error: output?.error ?? output?.pushError,
  };
  reporter.report(completed);
  await saveRun(paths, {
    ...record,
    status,
    finishedAt: new Date().toISOString(),
    stories: stories.map((s) => ({ id: s.id, title: plan.stories.find((p) => p.id === s.id)?.title ?? s.id, status: s.status as 'merged', attempts: s.attempts, agentMs: s.agentMs, costUsd: s.costUsd })),
  });
  if (status === 'stopped') return ExitCode.stopped;
  return status === 'succeeded' ? ExitCode.succeeded : ExitCode.failed;
}
