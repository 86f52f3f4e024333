// Pushing the run's branch, never forced: when the remote's branch moved meanwhile, one fetch, rebase and push more.
import { abortRebase, rebaseOnto } from './rebase.js';
import { fetchRemote, pushBranch } from './remote.js';
import { addWorktree, removeWorktree } from './worktree.js';

export interface PushInput {
  readonly repoDir: string;
  readonly remote: string;
  readonly branch: string;
  /** Where the branch is checked out to rebase it, if the remote moved; removed afterwards. */
  readonly worktree: string;
}

/** The push did not happen; the branch is intact locally (rebased onto the remote when `rebased`). */
export class PushError extends Error {
  override readonly name = 'PushError';
}

/** Rebases the branch onto `<remote>/<branch>` in a worktree of its own, keeping its merge commits. */
async function rebaseOntoRemote(input: PushInput, first: string): Promise<void> {
  const tracking = `refs/remotes/${input.remote}/${input.branch}`;
  await addWorktree({ repoDir: input.repoDir, path: input.worktree, branch: input.branch, startPoint: input.branch });
  try {
    const rebased = await rebaseOnto({ cwd: input.worktree, onto: tracking, keepMerges: true });
    if (rebased.status === 'conflict') {
      await abortRebase({ cwd: input.worktree });
      throw new PushError(
        `${first}; the new commits on ${input.remote}/${input.branch} conflict with this run's in ${rebased.files.join(', ')} — ${input.branch} is kept locally as it was: merge ${input.remote}/${input.branch} into it by hand, then push`,
      );
    }
  } finally {
    await removeWorktree({ repoDir: input.repoDir, path: input.worktree });
  }
}

/**
 * `git push <remote> <branch>`. Rejected because the remote's branch has commits this one lacks: fetch them, rebase
 * onto them and push once more. Any other refusal, a second rejection or a conflict is a PushError naming the reason.
 */
export async function pushCatchingUp(input: PushInput): Promise<{ readonly rebased: boolean }> {
  const { repoDir, remote, branch } = input;
  const first = await pushBranch({ cwd: repoDir, remote, branch });
  if (!('message' in first)) return { rebased: false };
  if (first.status === 'failed' || !first.behind)
    throw new PushError(
      `${first.message} — ${branch} is kept locally; fix the cause, then git push ${remote} ${branch}`,
    );
  const fetched = await fetchRemote({ repoDir, remote, branch });
  if (!fetched.ok)
    throw new PushError(`${first.message}, and ${fetched.message} — ${branch} is kept locally; push it by hand`);
  await rebaseOntoRemote(input, first.message);
  const second = await pushBranch({ cwd: repoDir, remote, branch });
  if (!('message' in second)) return { rebased: true };
  throw new PushError(
    `${second.message} (the second try, after rebasing onto ${remote}/${branch}: the remote branch moved again) — ${branch} is kept locally, rebased; fetch, rebase and push it by hand`,
  );
}
