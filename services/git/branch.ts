// Making, moving and cleaning up branches without ever losing a commit that was not merged.
import { isAncestor } from './history.js';
import { commitOf, currentBranch, revParse } from './repo.js';
import { failure, git, runGit } from './run.js';
import { listWorktrees } from './worktree.js';

export type DeleteBranchResult =
  | { readonly status: 'deleted'; readonly sha: string }
  | { readonly status: 'absent' }
  | { readonly status: 'kept'; readonly reason: 'unmerged' | 'checked-out' };

/**
 * Deletes refs/heads/<branch> only when every commit on it is reachable from `into` and no worktree has it checked
 * out; otherwise keeps it and says why. A branch that does not exist is `absent`.
 */
export async function deleteBranchIfMerged(input: {
  readonly repoDir: string;
  readonly branch: string;
  readonly into: string;
}): Promise<DeleteBranchResult> {
  const { repoDir, branch, into } = input;
  const ref = `refs/heads/${branch}`;
  const sha = await commitOf(repoDir, ref);
  if (sha === undefined) return { status: 'absent' };
  if (!(await isAncestor({ cwd: repoDir, ancestor: sha, descendant: into })))
    return { status: 'kept', reason: 'unmerged' };
  if ((await listWorktrees(repoDir)).some((worktree) => worktree.branch === branch))
    return { status: 'kept', reason: 'checked-out' };
  // The expected old value makes git refuse if the branch moved since the check above.
  await git(
    repoDir,
    ['update-ref', '-d', ref, sha],
    `check '${branch}' by hand (git log ${into}..${branch}) before deleting it`,
  );
  return { status: 'deleted', sha };
}

/**
 * Puts the worktree at cwd back on `branch` when its agent left it elsewhere (a branch of its own, a detached HEAD):
 * the branch moves forward to HEAD, so the commits made meanwhile are the ones baro merges. A HEAD that does not
 * contain the branch's commits is a GitError naming where the work is: moving the branch would drop commits.
 */
export async function returnToBranch({
  cwd,
  branch,
}: {
  readonly cwd: string;
  readonly branch: string;
}): Promise<void> {
  if ((await currentBranch(cwd)) === branch) return;
  const head = await revParse(cwd, 'HEAD');
  const args = ['merge-base', '--is-ancestor', `refs/heads/${branch}`, head];
  if (!(await isAncestor({ cwd, ancestor: `refs/heads/${branch}`, descendant: head }))) {
    const stderr = `HEAD (${head}) is not on '${branch}' and does not contain its commits`;
    throw failure(
      cwd,
      args,
      { exitCode: 1, stdout: '', stderr },
      `the agent left its worktree off its branch; its work is at ${head}`,
    );
  }
  await git(
    cwd,
    ['switch', '--quiet', '-C', branch],
    `put ${cwd} back on '${branch}' by hand (git switch -C ${branch})`,
  );
}

/**
 * Makes refs/heads/<branch> at `sha` only if no such branch exists, in one atomic git step: of two processes claiming
 * one name, exactly one gets true.
 */
export async function claimBranch(input: {
  readonly repoDir: string;
  readonly branch: string;
  readonly sha: string;
}): Promise<boolean> {
  const { repoDir, branch, sha } = input;
  // An empty old value makes update-ref refuse when the ref exists, under git's own ref lock.
  const args = ['update-ref', '-m', 'baro: run branch', `refs/heads/${branch}`, sha, ''];
  const output = await runGit(repoDir, args);
  if (output.exitCode === 0) return true;
  if ((await commitOf(repoDir, `refs/heads/${branch}`)) !== undefined) return false;
  throw failure(repoDir, args, output, `check that '${branch}' is a valid branch name no other branch name contains`);
}

/**
 * The branch names on `remote` that start with `prefix`, asked of the remote itself (a clone may not have fetched them);
 * empty when it cannot be reached within `timeoutMs`: the push will find out then.
 */
export async function remoteBranchNames(input: {
  readonly repoDir: string;
  readonly remote: string;
  readonly prefix: string;
  readonly timeoutMs?: number;
}): Promise<ReadonlySet<string>> {
  const args = ['ls-remote', '--heads', input.remote, `refs/heads/${input.prefix}*`];
  const output = await runGit(input.repoDir, args, {
    signal: AbortSignal.timeout(input.timeoutMs ?? 15_000),
  }).catch(() => undefined);
  if (output?.exitCode !== 0) return new Set();
  const heads = '\trefs/heads/';
  return new Set(
    output.stdout
      .split('\n')
      .filter((line) => line.includes(heads))
      .map((line) => line.slice(line.indexOf(heads) + heads.length)),
  );
}
