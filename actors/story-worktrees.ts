// Story worktrees through the run's pool: taken at a story's start, given back at its end, all let go at the run's end.
import { existsSync } from 'node:fs';
import type { GitOpResult } from '../machines/types.js';
import { abortRebase } from '../services/git/rebase.js';
import { commitAll } from '../services/git/commit.js';
import { unfinishedOperation } from '../services/git/in-progress.js';
import { reuseWorktree } from '../services/git/reuse.js';
import { discardMergedWorktrees } from '../services/git/discard-worktrees.js';
import { addWorktree, listWorktrees } from '../services/git/worktree.js';
import type { GitDeps } from './git-op.js';
import type { WorktreePool } from './worktree-pool.js';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The story's worktree: the one it holds already (a request sent again), a pooled one, or a new one. `unswitched` is a
 * pooled worktree the Operator gave the story that git could not switch: retired first.
 */
export async function takeWorktree(
  deps: GitDeps,
  pool: WorktreePool,
  op: { readonly storyId: string; readonly unswitched?: string | undefined; readonly prefer?: string | undefined },
  integrationBranch: string,
): Promise<GitOpResult> {
  const { storyId } = op;
  if (op.unswitched !== undefined && pool.held(storyId) === op.unswitched)
    pool.giveBack(storyId, { mayHoldStrays: true, retire: true });
  const held = pool.held(storyId);
  if (held !== undefined) {
    // A story a replan sends back finds its worktree as it failed: baro's own conflict rebase is undone first.
    if ((await unfinishedOperation(held)) === 'rebase') await abortRebase({ cwd: held });
    return { kind: 'worktree', path: held };
  }
  const branch = deps.storyBranch(storyId);
  for (let pooled = pool.take(op.prefer); pooled !== undefined; pooled = pool.take()) {
    try {
      await reuseWorktree({ path: pooled.path, branch, startPoint: integrationBranch, clean: pooled.mayHoldStrays });
      pool.hold(storyId, pooled.path);
      return { kind: 'worktree', path: pooled.path };
    } catch {
      // Its previous story's work is on that story's branch: a worktree git cannot switch is only deleted later.
      pool.retire(pooled.path);
    }
  }
  const path = await newWorktree(deps, storyId, integrationBranch);
  pool.hold(storyId, path);
  return { kind: 'worktree', path };
}

/** The pooled worktree the Operator gave the story, switched to the story's branch at the integration head. */
export async function switchWorktree(
  deps: GitDeps,
  op: { readonly storyId: string; readonly worktree: string; readonly clean: boolean },
  integrationBranch: string,
): Promise<GitOpResult> {
  const { path } = await reuseWorktree({
    path: op.worktree,
    branch: deps.storyBranch(op.storyId),
    startPoint: integrationBranch,
    clean: op.clean,
  });
  return { kind: 'worktree', path };
}

/** A worktree of the story's own; asked again after a restart (a new, empty pool), the one it took before. */
async function newWorktree(deps: GitDeps, storyId: string, integrationBranch: string): Promise<string> {
  const branch = deps.storyBranch(storyId);
  const path = deps.paths.storyWorktree(storyId);
  try {
    return (await addWorktree({ repoDir: deps.repoRoot, path, branch, startPoint: integrationBranch })).path;
  } catch (error) {
    const taken = (await listWorktrees(deps.repoRoot)).find((worktree) => worktree.branch === branch);
    if (taken === undefined) throw error;
    return taken.path;
  }
}

/** A failed story's work stays on its branch: the rebase undone, leftovers committed. */
async function salvage(deps: GitDeps, storyId: string, cwd: string, reason: string): Promise<void> {
  if (!existsSync(cwd)) return;
  const pending = await unfinishedOperation(cwd);
  // baro's own conflict rebase is undone; an agent's unfinished merge is left: committing would keep conflict
  // markers, aborting could drop its edits.
  if (pending === 'rebase') await abortRebase({ cwd });
  else if (pending !== undefined) throw new Error(`a git ${pending} is unfinished in ${cwd}`);
  const committed = await commitAll({
    cwd,
    message: `${storyId}: unfinished work kept by baro (${reason.split('\n')[0]})`,
    identity: deps.identity,
  });
  // Work committed off the story's branch (an agent that went back to an older commit) is on no branch: deleting or
  // reusing the worktree would lose it.
  if (committed.branch !== deps.storyBranch(storyId))
    throw new Error(`its worktree ${cwd} is off its branch, with its work at ${committed.sha}`);
}

/**
 * A finished story gives its worktree back. A merged story's last step committed every file that is not ignored, so
 * nothing is left to clean; a failed one's leftovers are committed on its branch first, and when that is impossible
 * the worktree is kept as it is for the user.
 */
export async function giveBackWorktree(
  deps: GitDeps,
  pool: WorktreePool,
  op: { readonly storyId: string; readonly outcome: 'merged' | 'failed'; readonly reason: string },
): Promise<GitOpResult> {
  const path = pool.held(op.storyId);
  if (path === undefined) return { kind: 'ok' };
  if (op.outcome === 'merged') {
    pool.giveBack(op.storyId, { mayHoldStrays: false, retire: deps.reuseWorktrees === false });
    return { kind: 'ok' };
  }
  // When its work cannot be kept on its branch, the story holds on to its worktree as it is: a replan sending it back
  // finds it there, and the end of the run keeps it for the user.
  await salvage(deps, op.storyId, path, op.reason);
  // A failed story may have ended anywhere (a killed agent, a setup stopped half-way): the next one cleans first.
  pool.giveBack(op.storyId, { mayHoldStrays: true, retire: deps.reuseWorktrees === false });
  return { kind: 'ok' };
}

/**
 * The end of a run: stories still holding a worktree (their actor crashed) have their leftovers committed, then every
 * worktree whose work is on a branch is deleted. One story's leftovers that cannot be committed must not cost the
 * others theirs: its worktree stays as it is, and the error names it.
 */
export async function letGoOfWorktrees(
  deps: GitDeps,
  pool: WorktreePool,
  op: { readonly merged: readonly string[]; readonly failed: readonly { storyId: string; reason: string }[] },
): Promise<GitOpResult> {
  const drained = pool.drain();
  const disposable = [...drained.disposable];
  const unsaved: { storyId: string; error: unknown }[] = [];
  for (const [storyId, path] of drained.held) {
    if (op.merged.includes(storyId)) {
      disposable.push(path);
      continue;
    }
    const reason = op.failed.find((story) => story.storyId === storyId)?.reason ?? 'the run ended before it finished';
    await salvage(deps, storyId, path, reason).then(
      () => disposable.push(path),
      (error: unknown) => unsaved.push({ storyId, error }),
    );
  }
  // Deleted here rather than after each story, to keep merges off the slow path, the integration worktree with them
  // (its work is its branch): one prune forgets them all.
  await discardMergedWorktrees({
    repoDir: deps.repoRoot,
    paths: [...disposable, deps.paths.integrationWorktree],
    trash: deps.paths.worktreesDir,
  });
  if (unsaved.length > 0) {
    const details = unsaved.map(({ storyId, error }) => `${storyId} (${messageOf(error)})`).join('; ');
    throw new Error(
      `could not keep the leftovers of ${details} — they stay in their worktrees under ${deps.paths.worktreesDir}`,
      { cause: new AggregateError(unsaved.map((u) => u.error)) },
    );
  }
  return { kind: 'ok' };
}
