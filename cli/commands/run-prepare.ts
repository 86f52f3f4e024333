// Everything a run needs before its first actor starts: the repository, a valid plan, the base, a free branch, a run folder.
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { computeLevels } from '../../machines/dag.js';
import { BaseBranchError, NotAGitRepoError } from '../../services/git/errors.js';
import { branchExists, commitOf, remoteUrl, repoRoot, resolveBase } from '../../services/git/repo.js';
import type { ResolvedBase } from '../../services/git/repo.js';
import { PlanError, branchForPlan, loadPlan } from '../../services/plan.js';
import type { Plan } from '../../services/plan.js';
import { baroHome, newRunId, runPaths } from '../../services/store/paths.js';
import type { RunPaths } from '../../services/store/paths.js';
import { saveRun } from '../../services/store/runs.js';
import type { RunRecord } from '../../services/store/runs.js';
import { UsageError } from '../errors.js';
import type { RunOptions } from '../options.js';

export interface PreparedRun {
  readonly repoDir: string;
  readonly plan: Plan;
  readonly levels: string[][];
  readonly branch: string;
  /** Where the branch is pushed at the end; undefined keeps everything local. */
  readonly remote: string | undefined;
  readonly paths: RunPaths;
  readonly record: RunRecord;
  readonly storyBranch: (storyId: string) => string;
}

async function gitRepoRoot(cwd: string): Promise<string> {
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

async function readPlan(path: string): Promise<Plan> {
  try {
    return await loadPlan(path);
  } catch (error) {
    if (error instanceof PlanError)
      throw new UsageError(error.message, { option: '--plan', value: path, cause: error });
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

/** baro's worktrees would show up in the user's checkout as untracked folders: its state lives outside it. */
function refuseHomeInside(repoDir: string, home: string): void {
  const rel = relative(repoDir, resolve(home));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new UsageError(
      `BARO_HOME (${home}) is inside the repository ${repoDir}: baro keeps its worktrees out of your checkout. Point BARO_HOME elsewhere, or unset it to use ~/.baro.`,
    );
  }
}

/** `baro/<slug>`, or `baro/<slug>-2`… when an earlier run already owns the name: never reuse someone's branch. */
async function freeBranch(repoDir: string, wanted: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    if (!(await branchExists(repoDir, candidate))) return candidate;
  }
}

/** Options of the contract that this version cannot honour yet: said plainly rather than silently ignored. */
function refuseUnbuilt(options: RunOptions): void {
  if (options.config !== undefined)
    throw new UsageError('--config is not available yet in this version of baro: run without it.', {
      option: '--config',
      value: options.config,
    });
}

export async function prepareRun(input: {
  readonly goal: string | undefined;
  readonly options: RunOptions;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startedAt: Date;
}): Promise<PreparedRun> {
  const { options, cwd, startedAt } = input;
  refuseUnbuilt(options);
  const repoDir = await gitRepoRoot(cwd);
  if (options.plan === undefined) {
    throw new UsageError(
      'baro cannot plan with a model yet: write a plan file (README, "Plan file") and pass it with --plan FILE.',
    );
  }
  const plan = await readPlan(resolve(cwd, options.plan));
  const base = await findBase(repoDir, options.base);
  const branch = await freeBranch(repoDir, branchForPlan(plan));
  const remote = options.push && (await remoteUrl(repoDir)) !== undefined ? 'origin' : undefined;
  const runId = newRunId(startedAt);
  const home = baroHome(input.env, homedir());
  refuseHomeInside(repoDir, home);
  const paths = runPaths({ home, repoRoot: repoDir, runId });
  const storyBranch = (storyId: string): string => `baro-stories/${runId}/${storyId}`;
  const record: RunRecord = {
    runId,
    goal: input.goal ?? plan.goal,
    repoRoot: repoDir,
    branch,
    base: { branch: base.branch, sha: base.sha },
    status: 'running',
    startedAt: startedAt.toISOString(),
    options: {
      parallel: options.parallel,
      push: options.push,
      pr: options.pr,
      draft: options.draft,
      models: options.models,
    },
    plan,
  };
  await saveRun(paths, record);
  return {
    repoDir,
    plan,
    levels: computeLevels(plan.stories),
    branch,
    remote,
    paths,
    record,
    storyBranch,
  };
}
