// Everything a run needs before its first actor starts: the repository, a given plan if any, the base, a run folder.
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { computeLevels } from '../../machines/dag.js';
import { BaseBranchError, NotAGitRepoError } from '../../services/git/errors.js';
import { resolveBase } from '../../services/git/base.js';
import type { ResolvedBase } from '../../services/git/base.js';
import { commitOf, remoteUrl, repoRoot } from '../../services/git/repo.js';
import { PlanError, loadPlan } from '../../services/plan.js';
import type { Plan } from '../../services/plan.js';
import { StoreError } from '../../services/store/errors.js';
import { ensureHome } from '../../services/store/home.js';
import { baroHome, newRunId, runPaths } from '../../services/store/paths.js';
import type { RunPaths } from '../../services/store/paths.js';
import { saveRun } from '../../services/store/runs.js';
import { listRunStates } from '../../services/store/run-state.js';
import { count } from '../../services/words.js';
import type { RunRecord } from '../../services/store/runs.js';
import { UsageError } from '../errors.js';
import { assertAgentRuns } from '../preflight.js';
import type { RunOptions } from '../options.js';

export interface PreparedRun {
  readonly repoDir: string;
  /** The plan given with --plan; undefined when baro plans the goal. */
  readonly plan: Plan | undefined;
  readonly levels: string[][];
  /** Where the branch is pushed at the end; undefined keeps everything local. */
  readonly remote: string | undefined;
  /** The baro home: run folders, worktrees and the Cartographer's cache live under it. */
  readonly home: string;
  readonly paths: RunPaths;
  readonly record: RunRecord;
  readonly storyBranch: (storyId: string) => string;
}

/** Story branches live in their own namespace per run: `baro-stories/<runId>/<storyId>`. */
export const storyBranchOf =
  (runId: string) =>
  (storyId: string): string =>
    `baro-stories/${runId}/${storyId}`;

export async function gitRepoRoot(cwd: string): Promise<string> {
  try {
    return await repoRoot(cwd);
  } catch (error) {
    if (error instanceof NotAGitRepoError) {
      throw new UsageError(`${cwd} is not inside a git repository: run baro from the repository it should work on.`, {
        cause: error,
      });
    }
    throw error;
  }
}

// True with or without a goal on the command line: `baro run --plan FILE` alone has no goal to plan.
const PLAN_NEXT_STEP =
  'Fix the plan file and run again, or give the goal without --plan (baro "<goal>") to let baro plan it.';

async function readPlan(path: string): Promise<Plan> {
  try {
    return await loadPlan(path);
  } catch (error) {
    if (error instanceof PlanError)
      throw new UsageError(`${error.message}\n${PLAN_NEXT_STEP}`, { option: '--plan', value: path, cause: error });
    throw error;
  }
}

/** The base as bad input (exit 2) when it cannot be found: a --base naming nothing, a detached HEAD, no commit at all. */
async function findBase(repoDir: string, base: string | undefined): Promise<ResolvedBase> {
  try {
    return await resolveBase({ repoDir, ...(base !== undefined ? { base } : {}) });
  } catch (error) {
    if (!(error instanceof BaseBranchError)) throw error;
    if ((await commitOf(repoDir, 'HEAD')) === undefined) {
      throw new UsageError(`${repoDir} has no commits yet: commit something to start from, then run baro again.`, {
        cause: error,
      });
    }
    throw new UsageError(error.message, { option: '--base', value: base, cause: error });
  }
}

/** A base read from the remote-tracking branch leaves the local branch's own commits out: said, not done silently. */
function unpushedWarning(base: ResolvedBase): string | undefined {
  if (base.unpushed === undefined) return undefined;
  const remote = base.ref.replace(/^refs\/remotes\//, '');
  return `baro: your ${base.branch} has ${count(base.unpushed, 'commit', 'commits')} that ${remote} does not: the run starts from ${remote} (${base.sha.slice(0, 8)}) without them. Push them first to build on them.`;
}

/** baro's worktrees would show up in the user's checkout as untracked folders: its state lives outside it. */
function refuseHomeInside(repoDir: string, home: string): void {
  const rel = relative(repoDir, resolve(home));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new UsageError(
      `BARO_HOME (${home}) is inside the repository ${repoDir}: baro keeps its worktrees out of your checkout. Point BARO_HOME elsewhere, or unset it to use ~/.baro.`,
    );
  }
}

/** The home made and proved writable, or bad input (exit 2) naming BARO_HOME: nothing else could be kept. */
export async function usableHome(home: string): Promise<void> {
  await ensureHome(home).catch((error: unknown) => {
    if (error instanceof StoreError) throw new UsageError(error.message, { cause: error });
    throw error;
  });
}

export async function prepareRun(input: {
  readonly goal: string | undefined;
  readonly options: RunOptions;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startedAt: Date;
  /** The repository's top folder when the caller found it already. */
  readonly repoDir?: string | undefined;
  /** Told about interrupted runs of this repository, which `baro resume` would continue. */
  readonly warn?: ((line: string) => void) | undefined;
}): Promise<PreparedRun> {
  const { options, cwd, startedAt } = input;
  const repoDir = input.repoDir ?? (await gitRepoRoot(cwd));
  const home = baroHome(input.env, homedir());
  // The checks run at once (each waits for a process or a file), and their failures are told in this order: the
  // input's own problems are worth hearing before the agent's.
  const planCheck = options.plan === undefined ? Promise.resolve(undefined) : readPlan(resolve(cwd, options.plan));
  const baseCheck = findBase(repoDir, options.base);
  const remoteCheck = options.push ? remoteUrl(repoDir) : Promise.resolve(undefined);
  const homeCheck = Promise.resolve().then(() => refuseHomeInside(repoDir, home));
  const agentCheck = assertAgentRuns({ cwd: repoDir, env: input.env });
  await Promise.allSettled([planCheck, baseCheck, remoteCheck, homeCheck, agentCheck]);
  const plan = await planCheck;
  const base = await baseCheck;
  const remote = (await remoteCheck) !== undefined ? 'origin' : undefined;
  await homeCheck;
  await agentCheck;
  const unpushed = unpushedWarning(base);
  if (unpushed !== undefined) input.warn?.(unpushed);
  for (const listed of await listRunStates(home, repoDir)) {
    if (listed.state !== 'interrupted') continue;
    input.warn?.(
      `baro: run ${listed.record.runId} ("${listed.record.goal}") was interrupted; \`baro resume ${listed.record.runId}\` continues it. Starting a new run.`,
    );
  }
  // Last, and only once the input passed: it makes the home.
  await usableHome(home);
  const runId = newRunId(startedAt);
  const paths = runPaths({ home, repoRoot: repoDir, runId });
  const storyBranch = storyBranchOf(runId);
  const record: RunRecord = {
    runId,
    goal: input.goal ?? plan?.goal ?? '',
    repoRoot: repoDir,
    base: { branch: base.branch, sha: base.sha },
    status: 'running',
    startedAt: startedAt.toISOString(),
    options: {
      parallel: options.parallel,
      push: options.push,
      pr: options.pr,
      draft: options.draft,
      keepBranches: options.keepBranches,
      ...(options.base === undefined ? {} : { base: options.base }),
      ...(options.config === undefined ? {} : { config: resolve(cwd, options.config) }),
      models: options.models,
    },
    plan,
  };
  await saveRun(paths, record);
  return {
    repoDir,
    plan,
    levels: plan === undefined ? [] : computeLevels(plan.stories),
    remote,
    home,
    paths,
    record,
    storyBranch,
  };
}
