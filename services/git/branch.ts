// Cleaning up story branches without ever losing a commit that was not merged.
import { isAncestor } from './history.js';
import { commitOf } from './repo.js';
import { git } from './run.js';
import { listWorktrees } from './worktree.js';

export type DeleteBranchResult =
  | { readonly status: 'deleted'; readonly sha: string }
  | { readonly status: 'absent' }
  | { readonly status: 'kept'; readonly reason: 'unmerged' | 'checked-out' };

/**
 * Deletes refs/heads/<branch> only when every commit on it is reachable from `into` and no worktree has it checked
 * out; otherwise keeps it and says why. A branch that does not exist is `absent`.
 */
export async function deleteBranchIfMerged(input: { readonly repoDir: string; readonly branch: string; readonly into: string }): Promise<DeleteBranchResult> {
  const { repoDir, branch, into } = input;
  const ref = `refs/heads/${branch}`;
  const sha = await commitOf(repoDir, ref);
  if (sha === undefined) return { status: 'absent' };
  if (!(await isAncestor({ cwd: repoDir, ancestor: sha, descendant: into }))) return { status: 'kept', reason: 'unmerged' };
  if ((await listWorktrees(repoDir)).some((worktree) => worktree.branch === branch)) return { status: 'kept', reason: 'checked-out' };
  // The expected old value makes git refuse if the branch moved since the check above.
  await git(repoDir, ['update-ref', '-d', ref, sha], `check '${branch}' by hand (git log ${into}..${branch}) before deleting it`);
  return { status: 'deleted', sha };
}
