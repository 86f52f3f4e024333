// Whether a worktree is in the middle of a git operation someone else started (a merge, a cherry-pick, a rebase).
import { resolve } from 'node:path';
import { statIfExists } from './files.js';
import { git } from './run.js';

const STATES = [
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
] as const;

/** The git command whose operation is unfinished in the worktree at cwd (`merge`, `rebase`…), or undefined: one git call. */
export async function unfinishedOperation(cwd: string): Promise<string | undefined> {
  const out = await git(
    cwd,
    ['rev-parse', ...STATES.flatMap(([name]) => ['--git-path', name])],
    'check that this is a git worktree',
  );
  const paths = out.split('\n').map((path) => resolve(cwd, path));
  for (const [index, [, command]] of STATES.entries()) {
    const path = paths[index];
    if (path !== undefined && (await statIfExists(path)) !== undefined) return command;
  }
  return undefined;
}
