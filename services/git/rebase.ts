// Rebasing a story branch in its own worktree, with conflicts left in place for its agent to resolve.
import { join } from 'node:path';
import { identityArgs } from './commit.js';
import { filesWithConflictMarkers, unmergedFiles } from './conflicts.js';
import { readIfExists, statIfExists } from './files.js';
import { gitDirOf } from './git-dir.js';
import { failure, git, runGit } from './run.js';
import type { GitOutput } from './run.js';

export type RebaseResult =
  { readonly status: 'clean' } | { readonly status: 'conflict'; readonly files: readonly string[] };

export type ContinueResult = RebaseResult | { readonly status: 'unresolved'; readonly files: readonly string[] };

const rebaseStatePaths = async (cwd: string, file?: string): Promise<string[]> => {
  const gitDir = await gitDirOf(cwd);
  return ['rebase-merge', 'rebase-apply'].map((dir) => join(gitDir, dir, ...(file === undefined ? [] : [file])));
};

/** Whether a rebase is stopped in this worktree (its rebase-merge or rebase-apply folder exists). */
export async function rebaseInProgress(cwd: string): Promise<boolean> {
  for (const path of await rebaseStatePaths(cwd)) {
    if ((await statIfExists(path))?.isDirectory()) return true;
  }
  return false;
}

/** The branch a rebase stopped in this worktree will move when it finishes (HEAD is detached meanwhile); else undefined. */
export async function rebasingBranch(cwd: string): Promise<string | undefined> {
  for (const path of await rebaseStatePaths(cwd, 'head-name')) {
    const ref = (await readIfExists(path))?.trim();
    if (ref?.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  }
  return undefined;
}

// After `rebase` or `rebase --continue`: done, stopped on a conflict, or failed without starting.
async function outcome(cwd: string, args: readonly string[], output: GitOutput, next: string): Promise<RebaseResult> {
  const stopped = await rebaseInProgress(cwd);
  if (stopped) return { status: 'conflict', files: await unmergedFiles(cwd) };
  if (output.exitCode === 0) return { status: 'clean' };
  throw failure(cwd, args, output, next);
}

/**
 * `git rebase <onto>` in a story worktree. A conflict is left in progress, with the unmerged paths returned, for
 * someone to resolve and then call continueRebase (or abortRebase). A rebase already stopped here is reported as is.
 */
export async function rebaseOnto({
  cwd,
  onto,
  keepMerges = false,
}: {
  readonly cwd: string;
  readonly onto: string;
  /** `--rebase-merges`: merge commits are recreated rather than flattened away. */
  readonly keepMerges?: boolean;
}): Promise<RebaseResult> {
  if (await rebaseInProgress(cwd)) return { status: 'conflict', files: await unmergedFiles(cwd) };
  // --no-autostash: an autostash that fails to re-apply lands in the stash list, which is shared with the user's checkout.
  const merges = keepMerges ? ['--rebase-merges'] : [];
  const args = [...(await identityArgs(cwd)), 'rebase', '--no-autostash', ...merges, onto];
  return outcome(
    cwd,
    args,
    await runGit(cwd, args),
    `commit or discard the changes in ${cwd}, and check that '${onto}' exists`,
  );
}

/**
 * Goes on with a stopped rebase once its conflicts are resolved. Files that still hold conflict markers come back as
 * `unresolved` and nothing is staged; otherwise everything is staged and the rebase continues (without an editor)
 * until it finishes (`clean`) or the next commit conflicts. With no rebase in progress there is nothing to do: clean.
 */
export async function continueRebase({ cwd }: { readonly cwd: string }): Promise<ContinueResult> {
  if (!(await rebaseInProgress(cwd))) return { status: 'clean' };
  const marked = await filesWithConflictMarkers(cwd);
  if (marked.length > 0) return { status: 'unresolved', files: marked };
  await git(cwd, ['add', '-A'], `check the files in ${cwd}`);
  // core.editor=true keeps each replayed commit's message, as GIT_EDITOR=true would.
  const args = [...(await identityArgs(cwd)), '-c', 'core.editor=true', 'rebase', '--continue'];
  return outcome(cwd, args, await runGit(cwd, args), `finish or abort the rebase by hand in ${cwd}`);
}

/** Abandons a stopped rebase, restoring the branch as it was before; nothing to do when none is in progress. */
export async function abortRebase({ cwd }: { readonly cwd: string }): Promise<{ readonly aborted: boolean }> {
  if (!(await rebaseInProgress(cwd))) return { aborted: false };
  await git(cwd, ['rebase', '--abort'], `remove the rebase state by hand (git rebase --quit) in ${cwd}`);
  return { aborted: true };
}
