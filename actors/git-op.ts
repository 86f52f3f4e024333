// The Operator's effects: each queued GitOp performed with the git service, in the run's worktrees.
import { fromPromise } from 'xstate';
import type { GitOp, GitOpInput, GitOpOutput, GitOpResult } from '../machines/types.js';
import { returnToBranch } from '../services/git/branch.js';
import { commitAll } from '../services/git/commit.js';
import { unfinishedOperation } from '../services/git/in-progress.js';
import { changedFiles, changesBetween, mergeCommitOf } from '../services/git/history.js';
import { readHead } from '../services/git/git-dir.js';
import { mergeNoFf } from '../services/git/merge.js';
import { continueRebase, rebaseOnto } from '../services/git/rebase.js';
import { catchUpWithRemote, pushRunBranch } from '../services/git/push.js';
import type { PushInput } from '../services/git/push.js';
import { revParse } from '../services/git/repo.js';
import { deleteMergedBranches } from '../services/git/story-branches.js';
import { addWorktree } from '../services/git/worktree.js';
import type { RunPaths } from '../services/store/paths.js';
import { changesFile, saveChanges } from '../services/story-changes.js';
import { giveBackWorktree, letGoOfWorktrees, switchWorktree, takeWorktree } from './story-worktrees.js';
import { createWorktreePool } from './worktree-pool.js';
import type { WorktreePool } from './worktree-pool.js';

export interface GitDeps {
  readonly repoRoot: string;
  readonly paths: RunPaths;
  readonly storyBranch: (storyId: string) => string;
  readonly baseSha: string;
  /** The remote to push to; undefined keeps everything local. */
  readonly remote: string | undefined;
  /** The repository's commit identity arguments, looked up once per run (`identityArgs`). */
  readonly identity: readonly string[];
  /** False gives every story a new worktree (BARO_WORKTREE_POOL=0); by default finished stories' worktrees are reused. */
  readonly reuseWorktrees?: boolean | undefined;
}

/** Where a story works: the worktree its request names, else (a request from before the pool) its own folder. */
const worktreeOf = (deps: GitDeps, op: { readonly storyId: string; readonly worktree?: string | undefined }) =>
  op.worktree ?? deps.paths.storyWorktree(op.storyId);

/** The merge that brought a story in before a crash lost its answer, and the files it changed; undefined when none did. */
async function mergedAlready(deps: GitDeps, storyId: string) {
  const cwd = deps.paths.integrationWorktree;
  const tip = await revParse(cwd, deps.storyBranch(storyId));
  const sha = await mergeCommitOf({ cwd, tip, head: 'HEAD' });
  if (sha === undefined) return undefined;
  return { sha, files: await changedFiles({ cwd, base: `${sha}^1`, head: sha }) };
}

/** Merges a story; on conflict rebases it onto the integration head so its own agent resolves in its own worktree. */
async function mergeStory(deps: GitDeps, branch: string, storyId: string, cwd: string, message: string) {
  const merge = () =>
    mergeNoFf({
      cwd: deps.paths.integrationWorktree,
      branch: deps.storyBranch(storyId),
      message,
      identity: deps.identity,
    });
  const integrationHead = async () => (await readHead(deps.paths.integrationWorktree)).sha;
  const before = await integrationHead();
  const first = await merge();
  // git's "Already up to date" (asked again after a crash): the answer names the merge that did it, never a new one.
  if (first.status === 'merged' && first.sha === before)
    return { kind: 'merged', sha: (await mergedAlready(deps, storyId))?.sha ?? first.sha } as const;
  if (first.status === 'merged') return { kind: 'merged', sha: first.sha } as const;
  const onto = await integrationHead();
  const rebased = await rebaseOnto({ cwd, onto: branch });
  if (rebased.status === 'conflict') return { kind: 'conflict', files: rebased.files, onto } as const;
  const second = await merge();
  return second.status === 'merged'
    ? ({ kind: 'merged', sha: second.sha } as const)
    : ({ kind: 'conflict', files: second.files, onto } as const);
}

/** Commits what the agent left, names the files its branch changes and keeps its patch for the Critic: 3 git processes. */
async function commitStory(deps: GitDeps, branch: string, storyId: string, cwd: string, message: string) {
  const pending = await unfinishedOperation(cwd);
  // Committing now would conclude it, conflict markers and all.
  if (pending !== undefined)
    throw new Error(
      `the agent left a git ${pending} unfinished in ${cwd}; baro does not commit half-resolved work — finish it or run git ${pending} --abort there`,
    );
  const committed = await commitAll({ cwd, message, identity: deps.identity });
  // baro merges the story branch: work committed on another branch or a detached HEAD must be on it.
  if (committed.branch !== deps.storyBranch(storyId)) await returnToBranch({ cwd, branch: deps.storyBranch(storyId) });
  const changes = await changesBetween({ cwd, base: branch, head: 'HEAD' });
  await saveChanges(changesFile(deps.paths.storyDir(storyId)), (await readHead(cwd)).sha, changes);
  const { files } = changes;
  // Asked again after the story merged (the answers lost in a crash): its files are in the merge, not gone.
  const merged = files.length === 0 && !committed.committed ? await mergedAlready(deps, storyId) : undefined;
  return { kind: 'committed', sha: committed.sha, files: merged?.files ?? files } as const;
}

const pushInput = (deps: GitDeps, branch: string): PushInput | undefined =>
  deps.remote === undefined
    ? undefined
    : { repoDir: deps.repoRoot, remote: deps.remote, branch, worktree: deps.paths.integrationWorktree };

async function perform(deps: GitDeps, pool: WorktreePool, op: GitOp, branch: string): Promise<GitOpResult> {
  switch (op.kind) {
    case 'integration.create':
      await addWorktree({
        repoDir: deps.repoRoot,
        path: deps.paths.integrationWorktree,
        branch,
        startPoint: deps.baseSha,
        branchExists: true,
      });
      return { kind: 'ok' };
    case 'story.worktree':
      return takeWorktree(deps, pool, op, branch);
    case 'worktree.switch':
      return switchWorktree(deps, op, branch);
    case 'story.release':
      return giveBackWorktree(deps, pool, op);
    case 'story.commit':
      return commitStory(deps, branch, op.storyId, worktreeOf(deps, op), op.message);
    case 'story.merge':
      return mergeStory(deps, branch, op.storyId, worktreeOf(deps, op), op.message);
    case 'story.continue': {
      const cwd = worktreeOf(deps, op);
      const onto = (await readHead(deps.paths.integrationWorktree)).sha;
      const continued = await continueRebase({ cwd });
      if (continued.status === 'unresolved') return { kind: 'unresolved', files: continued.files, onto };
      if (continued.status === 'conflict') return { kind: 'conflict', files: continued.files, onto };
      // A resolver that finished the rebase itself may have left edits behind: they belong to the story too.
      await commitAll({
        cwd,
        message: `${op.storyId}: resolve the conflict with the integration branch`,
        identity: deps.identity,
      });
      await returnToBranch({ cwd, branch: deps.storyBranch(op.storyId) });
      return mergeStory(deps, branch, op.storyId, cwd, op.message);
    }
    case 'cleanup':
      return letGoOfWorktrees(deps, pool, op);
    case 'push': {
      const input = pushInput(deps, branch);
      if (input === undefined) return { kind: 'skipped', reason: 'no remote to push to' };
      const pushed = await pushRunBranch(input);
      return pushed.status === 'behind' ? { kind: 'behind', message: pushed.message } : { kind: 'pushed' };
    }
    case 'push.catchUp': {
      const input = pushInput(deps, branch);
      if (input === undefined) return { kind: 'skipped', reason: 'no remote to push to' };
      await catchUpWithRemote(input, { keepWorktree: op.keepWorktree });
      return { kind: 'ok' };
    }
    case 'branches.delete': {
      const branches = new Map(op.storyIds.map((storyId) => [deps.storyBranch(storyId), storyId]));
      const deleted = await deleteMergedBranches({
        repoDir: deps.repoRoot,
        branches: [...branches.keys()],
        into: branch,
      });
      return { kind: 'deleted', storyIds: deleted.flatMap((branch) => branches.get(branch) ?? []) };
    }
  }
}

/**
 * One run's git effects. The worktree pool comes from the Operator with the ops that take, give back or let go of
 * worktrees, and goes back with their answer; an op given none works with an empty one.
 */
export function gitOpLogic(deps: GitDeps) {
  return fromPromise<GitOpOutput, GitOpInput>(async ({ input }) => {
    const pool = createWorktreePool(input.pool);
    const result = await perform(deps, pool, input.op, input.branch);
    return input.pool === undefined ? result : { ...result, pool: pool.state() };
  });
}
