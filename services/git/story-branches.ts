// Deleting story branches whose work is merged, in three git calls however many stories a run had.
import { failure, git, runGit } from './run.js';

const HEADS = 'refs/heads/';

/**
 * Deletes each of `branches` whose every commit is reachable from `into`; a branch with unmerged commits stays.
 * Returns the branches that are gone now: those deleted here, and those already gone (deleted as their level ended).
 */
export async function deleteMergedBranches(input: {
  readonly repoDir: string;
  readonly branches: readonly string[];
  readonly into: string;
}): Promise<string[]> {
  const { repoDir, branches, into } = input;
  if (branches.length === 0) return [];
  const refs = branches.map((b) => `${HEADS}${b}`);
  const next = `check that '${into}' exists`;
  const [listed, present] = await Promise.all([
    git(repoDir, ['for-each-ref', `--merged=${into}`, '--format=%(objectname) %(refname)', ...refs], next),
    git(repoDir, ['for-each-ref', '--format=%(refname)', ...refs], next),
  ]);
  const wanted = new Set(refs);
  const existing = new Set(present.split('\n'));
  const gone = refs.filter((ref) => !existing.has(ref));
  const merged = listed
    .split('\n')
    .map((line) => ({ sha: line.slice(0, line.indexOf(' ')), ref: line.slice(line.indexOf(' ') + 1) }))
    .filter(({ ref }) => wanted.has(ref));
  if (merged.length > 0) {
    // One transaction for them all (`git branch -D` takes seconds for hundreds of branches); each deletion expects the
    // commit just found, so a branch that moved meanwhile keeps every branch and is an error.
    const args = ['update-ref', '--stdin'];
    const output = await runGit(repoDir, args, {
      stdin: merged.map(({ sha, ref }) => `delete ${ref} ${sha}\n`).join(''),
    });
    if (output.exitCode !== 0)
      throw failure(repoDir, args, output, 'the story branches are kept; delete them by hand once merged');
  }
  return [...merged.map(({ ref }) => ref), ...gone].map((ref) => ref.slice(HEADS.length));
}
