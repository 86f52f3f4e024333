// A worktree a finished story gave back, put to work for the next one: adding a worktree costs a full checkout (a
// quarter of a second at 2,000 files) and a new one has none of the build folders its setup made.
import { readHead } from './git-dir.js';
import { branchExists } from './repo.js';
import { failure, git, runGit } from './run.js';
import type { AddedWorktree } from './worktree.js';

export interface ReuseWorktreeInput {
  /** A worktree of the repository whose work is all committed on its branch. */
  readonly path: string;
  readonly branch: string;
  /** Where a new branch starts; ignored when the branch already exists. */
  readonly startPoint: string;
  /** Whether untracked files may be left that are not ignored: `git clean` removes them, ignored ones stay. */
  readonly clean: boolean;
}

/**
 * Switches the worktree at path to branch (created at startPoint, or an existing one taken unmoved as addWorktree
 * does), discarding any change to tracked files. Ignored files (node_modules, target, .venv) stay, so the next setup
 * has its build folders. One git process on the usual path, two with `clean`.
 */
export async function reuseWorktree({ path, branch, startPoint, clean }: ReuseWorktreeInput): Promise<AddedWorktree> {
  const next = `check that '${branch}' is not checked out in another worktree, or remove ${path} and run git worktree prune`;
  // --no-track: a remote-tracking start point must not become the new branch's upstream.
  const fresh = ['checkout', '--quiet', '--force', '--no-track', '-b', branch, startPoint];
  const created = await runGit(path, fresh);
  if (created.exitCode !== 0) {
    if (!(await branchExists(path, branch))) throw failure(path, fresh, created, next);
    await git(path, ['checkout', '--quiet', '--force', branch], next);
  }
  // -d for untracked folders; no -x, which would delete the ignored build folders the pool keeps the worktree for.
  if (clean) await removeUntracked(path);
  return { path, branch, head: (await readHead(path)).sha, created: false };
}

/** Deletes the worktree's untracked files that are not ignored; ignored ones (build folders, dependencies) stay. */
export async function removeUntracked(path: string): Promise<void> {
  await git(path, ['clean', '-f', '-d', '--quiet'], `remove the untracked files in ${path} by hand`);
}
