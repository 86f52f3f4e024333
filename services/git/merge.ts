// Merging a story branch into the integration worktree: a --no-ff merge commit, or a clean abort on conflict.
import { identityArgs } from './commit.js';
import { unmergedFiles } from './conflicts.js';
import { readHead } from './git-dir.js';
import { commitOf } from './repo.js';
import { stripControl } from '../text.js';
import { failure, git, runGit } from './run.js';

export type MergeResult =
  /** `sha`: the merge commit, or HEAD unchanged when the branch was already merged. */
  | { readonly status: 'merged'; readonly sha: string }
  | { readonly status: 'conflict'; readonly files: readonly string[] };

export interface MergeInput {
  readonly cwd: string;
  readonly branch: string;
  readonly message: string;
  /** `identityArgs` computed once for the repository; looked up again when absent. */
  readonly identity?: readonly string[] | undefined;
}

const mergeInProgress = async (cwd: string): Promise<boolean> => (await commitOf(cwd, 'MERGE_HEAD')) !== undefined;

const abortMerge = (cwd: string): Promise<string> =>
  git(cwd, ['merge', '--abort'], `clean the worktree by hand (git merge --abort, or git reset --hard) in ${cwd}`);

/**
 * `git merge --no-ff --no-edit -m <message> <branch>` in cwd (never -X ours/theirs). On conflict the merge is aborted,
 * so the worktree is clean again, and the conflicting paths are returned. A branch already merged leaves HEAD as it
 * is (git's "Already up to date"); a merge left half-done by a crash is aborted and the merge tried once more.
 */
export async function mergeNoFf(input: MergeInput): Promise<MergeResult> {
  const { cwd, branch, message } = input;
  const identity = input.identity ?? (await identityArgs(cwd));
  const args = [
    ...identity,
    '-c',
    'commit.gpgSign=false',
    'merge',
    '--no-ff',
    '--no-edit',
    '--no-verify',
    '-m',
    stripControl(message),
    branch,
  ];
  let output = await runGit(cwd, args);
  // A conflict of this merge exits 1; a refusal to start (an earlier merge never concluded) exits 128.
  if (output.exitCode > 1 && (await mergeInProgress(cwd))) {
    await abortMerge(cwd);
    output = await runGit(cwd, args);
  }
  // The merge commit from the ref git just wrote: no git process on the path every story takes.
  if (output.exitCode === 0) return { status: 'merged', sha: (await readHead(cwd)).sha };
  const files = await unmergedFiles(cwd);
  if (await mergeInProgress(cwd)) await abortMerge(cwd);
  if (files.length > 0) return { status: 'conflict', files };
  throw failure(cwd, args, output, `check that the worktree ${cwd} is clean and '${branch}' exists`);
}
