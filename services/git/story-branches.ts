// Deleting story branches whose work is merged, in two git calls however many stories a run had.
import { failure, git, runGit } from './run.js';

const HEADS = 'refs/heads/';

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
    ['for-each-ref', `--merged=${into}`, '--format=%(objectname) %(refname)', ...branches.map((b) => `${HEADS}${b}`)],
    `check that '${into}' exists`,
  );
  const merged = listed
    .split('\n')
    .map((line) => ({ sha: line.slice(0, line.indexOf(' ')), ref: line.slice(line.indexOf(' ') + 1) }))
    .filter(({ ref }) => wanted.has(ref.slice(HEADS.length)));
  if (merged.length === 0) return [];
  // One transaction for them all (`git branch -D` takes seconds for hundreds of branches); each deletion expects the
  // commit just found, so a branch that moved meanwhile keeps every branch and is an error.
  const args = ['update-ref', '--stdin'];
  const output = await runGit(repoDir, args, {
    stdin: merged.map(({ sha, ref }) => `delete ${ref} ${sha}\n`).join(''),
  });
  if (output.exitCode !== 0)
    throw failure(repoDir, args, output, 'the story branches are kept; delete them by hand once merged');
  return merged.map(({ ref }) => ref.slice(HEADS.length));
}
