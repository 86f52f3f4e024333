// Merging a story branch into the integration worktree: a --no-ff merge commit, or a clean abort on conflict.
import { identityArgs } from './commit.js';
import { unmergedFiles } from './conflicts.js';
import { splitNul } from './history.js';
import { commitOf } from './repo.js';
import { stripControl } from '../text.js';
import { failure, git, runGit } from './run.js';

export type MergeResult =
  /** `files`: what the merge brought in (empty when the branch was already merged). */
  | { readonly status: 'merged'; readonly sha: string; readonly files: readonly string[] }
  | { readonly status: 'conflict'; readonly files: readonly string[] };

export interface MergeInput {
  readonly cwd: string;
  readonly branch: string;
  readonly message: string;
  /** `identityArgs` computed once for the repository; looked up again when absent. */
  readonly identity?: readonly string[] | undefined;
}

// What git (LC_ALL=C, see run.ts) says when the branch is already merged; older versions spell it up-to-date.
const ALREADY_MERGED = /^Already up.to.date/m;

const mergeInProgress = async (cwd: string): Promise<boolean> => (await commitOf(cwd, 'MERGE_HEAD')) !== undefined;

const abortMerge = (cwd: string): Promise<string> =>
  git(cwd, ['merge', '--abort'], `clean the worktree by hand (git merge --abort, or git reset --hard) in ${cwd}`);

/** HEAD and, when HEAD is a merge, the files it changed against its first parent: one git call. */
async function headAndFiles(cwd: string): Promise<{ sha: string; files: string[] }> {
  const out = await git(
    cwd,
    ['log', '-1', '-z', '--format=%H', '--name-only', '--diff-merges=first-parent', 'HEAD'],
    `check ${cwd}`,
  );
  // `<sha>\0\n<file>\0<file>\0`: the blank line git puts between the header and the file list follows the first NUL.
  const [sha = '', ...files] = splitNul(out).map((part) => part.replace(/^\n/, ''));
  return { sha, files };
}

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
  if (output.exitCode === 0) {
    const head = await headAndFiles(cwd);
    return { status: 'merged', sha: head.sha, files: ALREADY_MERGED.test(output.stdout) ? [] : head.files };
  }
  const files = await unmergedFiles(cwd);
  if (await mergeInProgress(cwd)) await abortMerge(cwd);
  if (files.length > 0) return { status: 'conflict', files };
  throw failure(cwd, args, output, `check that the worktree ${cwd} is clean and '${branch}' exists`);
}
