// What `baro run` gives the actor tree: every participant's effects, from the prepared run and its settings.
import { join } from 'node:path';
import type { RuntimeDeps } from '../../actors/runtime.js';
import { integrationSetup } from '../../actors/worktree-setup.js';
import { resolveClaudeBin } from '../../services/claude/argv.js';
import { runSession } from '../../services/claude/session.js';
import type { RunSettings } from '../../services/config/settings.js';
import { remoteBranchNames } from '../../services/git/branch.js';
import { identityArgs } from '../../services/git/commit.js';
import { committedPaths, worktreeChanges, worktreeHead } from '../../services/git/worktree-changes.js';
import { defaultAllowedTools } from '../../services/permissions.js';
import type { ProjectDetection } from '../../services/project/detect.js';
import { detectInWorktree } from '../../services/project/worktree.js';
import { storyPorts } from '../../services/story-port.js';
import { verificationCommands } from '../../services/verify/commands.js';
import { SETUP_TIMEOUT_MS } from '../../services/worktree-setup.js';
import type { RunOptions } from '../options.js';
import { earlierRunsOn } from '../run-publish.js';
import type { PreparedRun } from './run-prepare.js';

/** What the run's effects learn from the repository itself: its project's commands and its git identity. */
export interface RepositoryFacts {
  readonly project: Promise<ProjectDetection>;
  readonly identity: Promise<string[]>;
}

/**
 * Asked of git at once, while the run is still being prepared: the first agent waits for them. A run refused meanwhile
 * (a bad plan) never awaits them, which must not end baro on an unhandled rejection.
 */
export function repositoryFacts(repoDir: string): RepositoryFacts {
  const facts = { project: detectInWorktree(repoDir), identity: identityArgs(repoDir) };
  facts.project.catch(() => undefined);
  facts.identity.catch(() => undefined);
  return facts;
}

export async function runtimeDeps(input: {
  readonly run: PreparedRun;
  readonly record: PreparedRun['record'];
  readonly options: RunOptions;
  readonly settings: RunSettings;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startedAt: Date;
  /** How long planning took, once it is known. */
  readonly planMs: () => number;
  /** Asked already (`baro run`); asked here when absent. */
  readonly facts?: RepositoryFacts | undefined;
}): Promise<RuntimeDeps> {
  const { run, record, options, settings, env, startedAt, planMs } = input;
  const { paths, remote, storyBranch } = run;
  // Ports follow the plan's order when the plan is given; a planned story takes the next one when it first runs.
  const portOf = storyPorts(run.plan?.stories.map((story) => story.id) ?? []);
  const bin = resolveClaudeBin(env);
  const turnDeps = { runId: record.runId, bin, baseEnv: env, runSession, now: Date.now };
  const setup = {
    runId: record.runId,
    repoDir: run.repoDir,
    paths,
    settings: settings.worktree,
    baseEnv: env,
    portOf,
    timeoutMs: SETUP_TIMEOUT_MS,
  };
  // One look at the project serves both lists of commands.
  const { project, identity: identityAsked } = input.facts ?? repositoryFacts(run.repoDir);
  const [allowedTools, checks, identity] = await Promise.all([
    defaultAllowedTools(run.repoDir, settings.verify.commands, project),
    verificationCommands(run.repoDir, settings.verify.commands, project),
    identityAsked,
  ]);
  return {
    // Asked of the remote while the run starts (and plans), so that naming the branch does not wait for the network.
    remoteBranches:
      remote === undefined || record.branch !== undefined
        ? undefined
        : remoteBranchNames({ repoDir: run.repoDir, remote, prefix: 'baro/' }),
    now: Date.now,
    agent: {
      runId: record.runId,
      goal: record.goal,
      paths,
      bin,
      baseEnv: env,
      model: options.models.story,
      maxTurns: settings.agent.maxTurns,
      maxBudgetUsd: settings.agent.maxBudgetUsd,
      idleMs: settings.agent.idleMinutes * 60_000,
      permissionMode: settings.agent.permissionMode,
      allowedTools: [...allowedTools, ...settings.agent.allowedTools],
      checks,
      storyBranch,
      portOf,
      runSession,
      now: Date.now,
      worktreeChanges,
      committedPaths,
      worktreeHead,
    },
    planner: {
      runId: record.runId,
      bin,
      baseEnv: env,
      runSession,
      now: Date.now,
      repoDir: run.repoDir,
      model: options.models.planner,
      rawLogPath: paths.plannerLog,
    },
    surgeon: {
      runId: record.runId,
      bin,
      baseEnv: env,
      runSession,
      now: Date.now,
      goal: record.goal,
      model: options.models.surgeon,
      storyBranch,
      paths,
      rawLogPath: (n, subject) => join(paths.runDir, 'surgeon', `${n}-${subject}.jsonl`),
    },
    cartographer: { home: run.home },
    auditor: {
      runId: record.runId,
      paths,
      commands: settings.verify.commands,
      timeoutMs: settings.verify.timeoutSeconds * 1000,
      baseEnv: env,
      portOf,
      setUpIntegration: integrationSetup(setup),
    },
    critic: { ...turnDeps, paths, model: options.models.critic },
    git: {
      repoRoot: run.repoDir,
      paths,
      storyBranch,
      baseSha: record.base.sha,
      remote,
      identity,
      reuseWorktrees: env['BARO_WORKTREE_POOL'] !== '0',
    },
    setup,
    report: {
      runId: record.runId,
      goal: record.goal,
      base: record.base.branch,
      earlierRuns: (branch, continued) =>
        earlierRunsOn({ env: env, repoDir: run.repoDir, branch, runId: record.runId, continued }),
      startedAt: startedAt.getTime(),
      planMs,
      paths,
      storyBranch,
      parallel: options.parallel,
      now: Date.now,
    },
    pullRequest: { repoDir: run.repoDir, env, base: options.base, draft: options.draft },
  };
}
