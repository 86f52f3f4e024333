// What a worktree changed, as git sees it: edits made through the shell (sed -i, codegen) show up here too.
import { readHead } from './git-dir.js';
import { failure, runGit } from './run.js';

export interface WorktreeChanges {
  /** The commit HEAD names; undefined on an unborn branch. */
  readonly head: string | undefined;
  /** Changed, added, deleted and untracked paths (not ignored ones), relative to the worktree. */
  readonly paths: readonly string[];
}

const NEXT = 'check that the worktree still exists and is a git checkout';

// Porcelain v2 entries: `1 XY sub mH mI mW hH hI path`, `2 … X<score> path` then the old path, `u … path`, `? path`.
const PATH_FIELD: Readonly<Record<string, number>> = { '1': 8, '2': 9, u: 10, '?': 1 };

/** One `git status` call: HEAD and every path that differs from it. */
export async function worktreeChanges(cwd: string): Promise<WorktreeChanges> {
  const args = ['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all'];
  const output = await runGit(cwd, args);
  if (output.exitCode !== 0) throw failure(cwd, args, output, NEXT);
  let head: string | undefined;
  const paths: string[] = [];
  const records = output.stdout.split('\0');
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index] ?? '';
    if (record.startsWith('# branch.oid ')) {
      const oid = record.slice('# branch.oid '.length);
      head = oid === '(initial)' ? undefined : oid;
      continue;
    }
    const field = PATH_FIELD[record.charAt(0)];
    if (field === undefined) continue;
    paths.push(record.split(' ').slice(field).join(' '));
    // A rename's old path is the next record.
    if (record.startsWith('2 ')) {
      index += 1;
      paths.push(records[index] ?? '');
    }
  }
  return { head, paths: paths.filter((path) => path !== '') };
}

/** The paths the commits between `from` and `to` changed. */
export async function committedPaths(cwd: string, from: string, to: string): Promise<string[]> {
  const args = ['diff', '--name-only', '-z', '--no-renames', from, to];
  const output = await runGit(cwd, args);
  if (output.exitCode !== 0) throw failure(cwd, args, output, NEXT);
  return output.stdout.split('\0').filter((path) => path !== '');
}

/** The commit HEAD names, read from git's own files (no git process): where a turn's commits start. */
export async function worktreeHead(cwd: string): Promise<string> {
  return (await readHead(cwd)).sha;
}
