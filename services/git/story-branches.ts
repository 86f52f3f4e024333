// Deleting story branches whose work is merged, in two git calls however many stories a run had.
import { failure, git, runGit } from './run.js';

const HEADS = 'refs/heads/';
// git branch -D prints one line per branch it deleted (git speaks C-locale English to baro).
const DELETED = /^Deleted branch (.+) \(was [0-9a-f]+\)\.$/;

/**
 * Deletes each of `branches` whose every commit is reachable from `into`; a branch with unmerged commits, or that does
 * not exist, stays. Returns the branches deleted.
 */
export async function deleteMergedBranches(input: {
  readonly repoDir: string;
  readonly branches: readonly string[];
  readonly into: string;
}): Promise<string[]> {
  const { repoDir, branches, into } = input;
  if (branches.length === 0) return [];
  const wanted = new Set(branches);
  const listed = await git(
    repoDir,
    ['for-each-ref', `--merged=${into}`, '--format=%(refname)', ...branches.map((b) => `${HEADS}${b}`)],
    `check that '${into}' exists`,
  );
  const merged = listed
    .split('\n')
    .map((ref) => ref.slice(HEADS.length))
    .filter((branch) => wanted.has(branch));
  if (merged.length === 0) return [];
  const args = ['branch', '-D', '--', ...merged];
  const output = await runGit(repoDir, args);
  const deleted = output.stdout
    .split('\n')
    .map((line) => DELETED.exec(line.trim())?.[1])
    .filter((branch): branch is string => branch !== undefined);
  if (output.exitCode !== 0 && deleted.length === 0)
    throw failure(repoDir, args, output, 'the story branches are kept; delete them by hand once merged');
  return deleted;
}
