// Whether a worktree is in the middle of a git operation someone else started (a merge, a cherry-pick, a rebase).
import { join } from 'node:path';
import { statIfExists } from './files.js';
import { gitDirOf } from './git-dir.js';

const STATES = [
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
] as const;

/** The git command whose operation is unfinished in the worktree at cwd (`merge`, `rebase`…), or undefined: no git call. */
export async function unfinishedOperation(cwd: string): Promise<string | undefined> {
  const gitDir = await gitDirOf(cwd);
  for (const [name, command] of STATES) {
    if ((await statIfExists(join(gitDir, name))) !== undefined) return command;
  }
  return undefined;
}
