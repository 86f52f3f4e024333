// The Operator's effects: each queued GitOp performed with the git service, in the run's worktrees.
import { existsSync } from 'node:fs';
import { fromPromise } from 'xstate';
import type { GitOp, GitOpResult } from '../machines/types.js';
import { commitAll } from '../services/git/commit.js';
import { changedFiles, commitsBetween } from '../services/git/history.js';
import { mergeNoFf } from '../services/git/merge.js';
import { abortRebase, continueRebase, rebaseInProgress, rebaseOnto } from '../services/git/rebase.js';
import { pushBranch } from '../services/git/remote.js';
import { revParse } from '../services/git/repo.js';
import { addWorktree, removeWorktree } from '../services/git/worktree.js';
import type { RunPaths } from '../services/store/paths.js';

export interface GitDeps {
  readonly repoRoot: string;
  readonly paths: RunPaths;
  readonly integrationBranch: string;
  readonly storyBranch: (storyId: string) => string;
  readonly baseSha: string;
  /** The remote to push to; undefined keeps everything local. */
  readonly remote: string | undefined;
}

/** A merge into the integration worktree, then the story worktree let go; a conflict comes back as data. */
async function mergeOnce(deps: GitDeps, storyId: string, message: string, onto: string): Promise<GitOpResult> {
  const integration = deps.paths.integrationWorktree;
  const merged = await mergeNoFf({ cwd: integration, branch: deps.storyBranch(storyId), message });
  if (merged.status === 'conflict') return { kind: 'conflict', files: merged.files, onto };
  const files = await changedFiles({ cwd: integration, base: `${merged.sha}^1`, head: merged.sha });
  await removeWorktree({ repoDir: deps.repoRoot, path: deps.paths.storyWorktree(storyId) });
  return { kind: 'merged', sha: merged.sha, files };
}

/** Merges a story; on conflict rebases it onto the integration head so its own agent resolves in its own worktree. */
async function mergeStory(deps: GitDeps, storyId: string, message: string): Promise<GitOpResult> {
  const onto = await revParse(deps.paths.integrationWorktree, 'HEAD');
  const first = await mergeOnce(deps, storyId, message, onto);
  if (first.kind !== 'conflict') return first;
  const rebased = await rebaseOnto({ cwd: deps.paths.storyWorktree(storyId), onto: deps.integrationBranch });
  if (rebased.status === 'conflict') return { kind: 'conflict', files: rebased.files, onto };
  return mergeOnce(deps, storyId, message, onto);
}

/** A failed story's work stays on its branch: the rebase undone, leftovers committed, then the worktree let go. */
async function salvage(deps: GitDeps, storyId: string, reason: string): Promise<void> {
  const cwd = deps.paths.storyWorktree(storyId);
  if (!existsSync(cwd)) return;
  if (await rebaseInProgress(cwd)) await abortRebase({ cwd });
  await commitAll({ cwd, message: `${storyId}: unfinished work kept by baro (${reason.split('\n')[0]})` });
  await removeWorktree({ repoDir: deps.repoRoot, path: cwd });
}

async function perform(deps: GitDeps, op: GitOp): Promise<GitOpResult> {
  switch (op.kind) {
    case 'integration.create':
      await addWorktree({ repoDir: deps.repoRoot, path: deps.paths.integrationWorktree, branch: deps.integrationBranch, startPoint: deps.baseSha });
      return { kind: 'ok' };
    case 'story.worktree':
      await addWorktree({
        repoDir: deps.repoRoot,
        path: deps.paths.storyWorktree(op.storyId),
        branch: deps.storyBranch(op.storyId),
        startPoint: deps.integrationBranch,
      });
      return { kind: 'ok' };
    case 'story.commit': {
      const cwd = deps.paths.storyWorktree(op.storyId);
      await commitAll({ cwd, message: op.message });
      const sha = await revParse(cwd, 'HEAD');
      const commits = await commitsBetween({ cwd, base: deps.integrationBranch, head: 'HEAD' });
      const files = await changedFiles({ cwd, base: deps.integrationBranch, head: 'HEAD' });
      return { kind: 'committed', sha, commits: commits.length, files };
    }
    case 'story.merge':
      return mergeStory(deps, op.storyId, op.message);
    case 'story.continue': {
      const cwd = deps.paths.storyWorktree(op.storyId);
      const onto = await revParse(deps.paths.integrationWorktree, 'HEAD');
      const continued = await continueRebase({ cwd });
      if (continued.status === 'unresolved') return { kind: 'unresolved', files: continued.files, onto };
      if (continued.status === 'conflict') return { kind: 'conflict', files: continued.files, onto };
      return mergeStory(deps, op.storyId, op.message);
    }
    case 'cleanup':
      for (const story of op.failed) await salvage(deps, story.storyId, story.reason);
      await removeWorktree({ repoDir: deps.repoRoot, path: deps.paths.integrationWorktree });
      return { kind: 'ok' };
    case 'push': {
      if (deps.remote === undefined) return { kind: 'skipped', reason: 'no remote to push to' };
      const pushed = await pushBranch({ cwd: deps.repoRoot, remote: deps.remote, branch: deps.integrationBranch });
      if (pushed.status === 'rejected' || pushed.status === 'failed') throw new Error(`${pushed.message} — the branch is kept locally; push it by hand`);
      return { kind: 'ok' };
    }
  }
}

export function gitOpLogic(deps: GitDeps) {
  return fromPromise<GitOpResult, GitOp>(({ input }) => perform(deps, input));
}
