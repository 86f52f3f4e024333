// Pushing the run's branch, never forced, and catching up with a remote branch that moved meanwhile.
import { abortRebase, rebaseOnto } from './rebase.js';
import { fetchRemote, pushBranch } from './remote.js';
import { addWorktree, removeWorktree } from './worktree.js';

export interface PushInput {
  readonly repoDir: string;
  readonly remote: string;
  readonly branch: string;
  /** Where the branch is checked out to rebase it onto the remote's; removed afterwards. */
  readonly worktree: string;
}

/** The push did not happen, or catching up failed; the branch is intact locally. */
export class PushError extends Error {
  override readonly name = 'PushError';
}

export type PushOutcome =
  | { readonly status: 'pushed' }
  /** Rejected because the remote's branch has commits this one lacks: catch up, then push again. */
  | { readonly status: 'behind'; readonly message: string };

/** `git push <remote> <branch>`; any refusal other than "the remote moved" is a PushError naming the reason. */
export async function pushRunBranch(input: PushInput): Promise<PushOutcome> {
  const { repoDir, remote, branch } = input;
  const pushed = await pushBranch({ cwd: repoDir, remote, branch });
  if (!('message' in pushed)) return { status: 'pushed' };
  if (pushed.status === 'rejected' && pushed.behind) return { status: 'behind', message: pushed.message };
  throw new PushError(
    `${pushed.message} — ${branch} is kept locally; fix the cause, then git push ${remote} ${branch}`,
  );
}

/**
 * Fetches the remote's branch and rebases the run's branch onto it in a worktree of its own, keeping its merges. The
 * worktree is removed afterwards, unless `keepWorktree` asks for the rebased branch to stay checked out there.
 */
export async function catchUpWithRemote(
  input: PushInput,
  options: { readonly keepWorktree?: boolean | undefined } = {},
): Promise<void> {
  const { repoDir, remote, branch } = input;
  const fetched = await fetchRemote({ repoDir, remote, branch });
  if (!fetched.ok) throw new PushError(`${fetched.message} — ${branch} is kept locally; push it by hand`);
  await addWorktree({ repoDir, path: input.worktree, branch, startPoint: branch });
  try {
    const rebased = await rebaseOnto({
      cwd: input.worktree,
      onto: `refs/remotes/${remote}/${branch}`,
      keepMerges: true,
    });
    if (rebased.status === 'conflict') {
      await abortRebase({ cwd: input.worktree });
      throw new PushError(
        `the new commits on ${remote}/${branch} conflict with this run's in ${rebased.files.join(', ')} — ${branch} is kept locally as it was: merge ${remote}/${branch} into it by hand, then push`,
      );
    }
  } catch (error) {
    await removeWorktree({ repoDir, path: input.worktree });
    throw error;
  }
  if (options.keepWorktree !== true) await removeWorktree({ repoDir, path: input.worktree });
}
