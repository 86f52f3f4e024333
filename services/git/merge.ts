// Merging a story branch into the integration worktree: a --no-ff merge commit, or a clean abort on conflict.
import { identityArgs } from './commit.js';
import { unmergedFiles } from './conflicts.js';
import { isAncestor } from './history.js';
import { commitOf, revParse } from './repo.js';
import { failure, git, runGit } from './run.js';

export type MergeResult =
  | { readonly status: 'merged'; readonly sha: string }
  | { readonly status: 'conflict'; readonly files: readonly string[] };

const mergeInProgress = async (cwd: string): Promise<boolean> => (await commitOf(cwd, 'MERGE_HEAD')) !== undefined;

const abortMerge = (cwd: string): Promise<string> =>
  git(cwd, ['merge', '--abort'], `clean the worktree by hand (git merge --abort, or git reset --hard) in ${cwd}`);

/**
 * `git merge --no-ff --no-edit -m <message> <branch>` in cwd (never -X ours/theirs). On conflict the merge is aborted,
 * so the worktree is clean again, and the conflicting paths are returned. A branch already merged returns HEAD
 * without a new commit; a merge left half-done by a crash is aborted before starting.
 */
export async function mergeNoFf({ cwd, branch, message }: { readonly cwd: string; readonly branch: string; readonly message: string }): Promise<MergeResult> {
  if (await mergeInProgress(cwd)) await abortMerge(cwd);
  if (await isAncestor({ cwd, ancestor: branch, descendant: 'HEAD' })) return { status: 'merged', sha: await revParse(cwd, 'HEAD') };
  const args = [...(await identityArgs(cwd)), '-c', 'commit.gpgSign=false', 'merge', '--no-ff', '--no-edit', '--no-verify', '-m', message, branch];
  const output = await runGit(cwd, args);
  if (output.exitCode === 0) return { status: 'merged', sha: await revParse(cwd, 'HEAD') };
  const files = await unmergedFiles(cwd);
  if (await mergeInProgress(cwd)) await abortMerge(cwd);
  if (files.length > 0) return { status: 'conflict', files };
  throw failure(cwd, args, output, `check that the worktree ${cwd} is clean and '${branch}' exists`);
}
