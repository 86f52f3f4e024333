// The Operator's effects: each queued GitOp performed with the git service, in the run's worktrees.
import { existsSync } from 'node:fs';
import { fromPromise } from 'xstate';
import type { GitOp, GitOpInput, GitOpResult } from '../machines/types.js';
import { returnToBranch } from '../services/git/branch.js';
import { commitAll } from '../services/git/commit.js';
import { unfinishedOperation } from '../services/git/in-progress.js';
import { changedFiles } from '../services/git/history.js';
import { mergeNoFf } from '../services/git/merge.js';
import { abortRebase, continueRebase, rebaseOnto } from '../services/git/rebase.js';
import { catchUpWithRemote, pushRunBranch } from '../services/git/push.js';
import type { PushInput } from '../services/git/push.js';
import { revParse } from '../services/git/repo.js';
import { deleteMergedBranches } from '../services/git/story-branches.js';
import { addWorktree, discardMergedWorktrees, removeWorktree } from '../services/git/worktree.js';
import type { RunPaths } from '../services/store/paths.js';

export interface GitDeps {
  readonly repoRoot: string;
  readonly paths: RunPaths;
  readonly storyBranch: (storyId: string) => string;
  readonly baseSha: string;
  /** The remote to push to; undefined keeps everything local. */
  readonly remote: string | undefined;
  /** The repository's commit identity arguments, looked up once per run (`identityArgs`). */
  readonly identity: readonly string[];
}

/** Merges a story; on conflict rebases it onto the integration head so its own agent resolves in its own worktree. */
async function mergeStory(deps: GitDeps, branch: string, storyId: string, message: string): Promise<GitOpResult> {
  const merge = () =>
    mergeNoFf({
      cwd: deps.paths.integrationWorktree,
      branch: deps.storyBranch(storyId),
      message,
      identity: deps.identity,
    });
  const first = await merge();
  if (first.status === 'merged') return { kind: 'merged', sha: first.sha, files: first.files };
  const onto = await revParse(deps.paths.integrationWorktree, 'HEAD');
  const rebased = await rebaseOnto({ cwd: deps.paths.storyWorktree(storyId), onto: branch });
  if (rebased.status === 'conflict') return { kind: 'conflict', files: rebased.files, onto };
  const second = await merge();
  return second.status === 'merged'
    ? { kind: 'merged', sha: second.sha, files: second.files }
    : { kind: 'conflict', files: second.files, onto };
}

/** A failed story's work stays on its branch: the rebase undone, leftovers committed, then the worktree let go. */
async function salvage(deps: GitDeps, storyId: string, reason: string): Promise<void> {
  const cwd = deps.paths.storyWorktree(storyId);
  if (!existsSync(cwd)) return;
  const pending = await unfinishedOperation(cwd);
  // baro's own conflict rebase is undone; an agent's unfinished merge is left: committing would keep conflict
  // markers, aborting could drop its edits.
  if (pending === 'rebase') await abortRebase({ cwd });
  else if (pending !== undefined) throw new Error(`a git ${pending} is unfinished in ${cwd}`);
  await commitAll({
    cwd,
    message: `${storyId}: unfinished work kept by baro (${reason.split('\n')[0]})`,
    identity: deps.identity,
  });
  await removeWorktree({ repoDir: deps.repoRoot, path: cwd });
}

const pushInput = (deps: GitDeps, branch: string): PushInput | undefined =>
  deps.remote === undefined
    ? undefined
    : { repoDir: deps.repoRoot, remote: deps.remote, branch, worktree: deps.paths.integrationWorktree };

async function perform(deps: GitDeps, op: GitOp, branch: string): Promise<GitOpResult> {
  switch (op.kind) {
    case 'integration.create':
      await addWorktree({
        repoDir: deps.repoRoot,
        path: deps.paths.integrationWorktree,
        branch,
        startPoint: deps.baseSha,
      });
      return { kind: 'ok' };
    case 'story.worktree': {
      const added = await addWorktree({
        repoDir: deps.repoRoot,
        path: deps.paths.storyWorktree(op.storyId),
        branch: deps.storyBranch(op.storyId),
        startPoint: branch,
      });
      // A story a replan sends back finds its worktree as it failed: baro's own conflict rebase is undone first.
      if (!added.created && (await unfinishedOperation(added.path)) === 'rebase')
        await abortRebase({ cwd: added.path });
      return { kind: 'ok' };
    }
    case 'story.commit': {
      const cwd = deps.paths.storyWorktree(op.storyId);
      const pending = await unfinishedOperation(cwd);
      // Committing now would conclude it, conflict markers and all.
      if (pending !== undefined)
        throw new Error(
          `the agent left a git ${pending} unfinished in ${cwd}; baro does not commit half-resolved work — finish it or run git ${pending} --abort there`,
        );
      const committed = await commitAll({ cwd, message: op.message, identity: deps.identity });
      const sha = committed.sha;
      // baro merges the story branch: work committed on another branch or a detached HEAD must be on it.
      if (committed.branch !== deps.storyBranch(op.storyId))
        await returnToBranch({ cwd, branch: deps.storyBranch(op.storyId) });
      const files = await changedFiles({ cwd, base: branch, head: 'HEAD' });
      return { kind: 'committed', sha, files };
    }
    case 'story.merge':
      return mergeStory(deps, branch, op.storyId, op.message);
    case 'story.continue': {
      const cwd = deps.paths.storyWorktree(op.storyId);
      const onto = await revParse(deps.paths.integrationWorktree, 'HEAD');
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
      return mergeStory(deps, branch, op.storyId, op.message);
    }
    case 'cleanup': {
      // One story's leftovers that cannot be committed must not cost the others theirs: its worktree stays as it is.
      const unsaved: { storyId: string; error: unknown }[] = [];
      for (const story of op.failed) {
        await salvage(deps, story.storyId, story.reason).catch((error: unknown) =>
          unsaved.push({ storyId: story.storyId, error }),
        );
      }
      // Merged stories' worktrees go here rather than after each merge, to keep merges off the slow path.
      await discardMergedWorktrees({
        repoDir: deps.repoRoot,
        paths: op.merged.map((storyId) => deps.paths.storyWorktree(storyId)),
      });
      await removeWorktree({ repoDir: deps.repoRoot, path: deps.paths.integrationWorktree });
      if (unsaved.length > 0) {
        const details = unsaved
          .map(({ storyId, error }) => `${storyId} (${error instanceof Error ? error.message : String(error)})`)
          .join('; ');
        throw new Error(
          `could not keep the leftovers of ${details} — they stay in their worktrees under ${deps.paths.worktreesDir}`,
          {
            cause: new AggregateError(unsaved.map((u) => u.error)),
          },
        );
      }
      return { kind: 'ok' };
    }
    case 'push': {
      const input = pushInput(deps, branch);
      if (input === undefined) return { kind: 'skipped', reason: 'no remote to push to' };
      const pushed = await pushRunBranch(input);
      return pushed.status === 'behind' ? { kind: 'behind', message: pushed.message } : { kind: 'pushed' };
    }
    case 'push.catchUp': {
      const input = pushInput(deps, branch);
      if (input === undefined) return { kind: 'skipped', reason: 'no remote to push to' };
      await catchUpWithRemote(input);
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

export function gitOpLogic(deps: GitDeps) {
  return fromPromise<GitOpResult, GitOpInput>(({ input }) => perform(deps, input.op, input.branch));
}
