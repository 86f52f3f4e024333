// Merged worktrees out of the way at the end of a run: moved aside at once, their files deleted after baro is gone.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gitDirOf } from './git-dir.js';
import { git } from './run.js';

/** What became of one worktree: the folder its record was moved out of, or undefined for git to prune it; what stays. */
type Moved = { readonly forgotten: string | undefined; readonly left: readonly string[] };

/**
 * The worktree's folder, then git's record of it (`.git/worktrees/<id>`, which is all `git worktree prune` deletes),
 * renamed into bin. A record git keeps elsewhere or on another file system stays for one prune to delete.
 */
async function moveAside(path: string, bin: string, index: number): Promise<Moved> {
  const record = await gitDirOf(path).catch(() => undefined);
  const moved = await rename(path, join(bin, String(index))).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code,
  );
  // A folder that cannot be moved (held open on some systems) is deleted where it is.
  const left = moved === true || moved === 'ENOENT' ? [] : [path];
  if (moved !== true || record === undefined || basename(dirname(record)) !== 'worktrees')
    return { forgotten: undefined, left };
  const forgotten = await rename(record, join(bin, `${index}.git`)).then(
    () => dirname(record),
    () => undefined,
  );
  return { forgotten, left };
}

/**
 * Worktrees whose work is already merged, forgotten by git at once: each folder and git's record of it are moved into
 * a new `.discarded-*` folder under `trash` (renames, however many files they hold); a `git worktree prune` runs only
 * for those whose record could not be moved (it reads and deletes every record: 130–180 ms for 60 worktrees). Their
 * files are deleted by an `rm -rf` that outlives baro: pooled worktrees hold whole checkouts with their build folders,
 * and nobody should wait for those to go. Never for a worktree that may hold unmerged work.
 */
export async function discardMergedWorktrees({
  repoDir,
  paths,
  trash,
}: {
  readonly repoDir: string;
  readonly paths: readonly string[];
  readonly trash: string;
}): Promise<void> {
  await mkdir(trash, { recursive: true });
  const bin = await mkdtemp(join(trash, '.discarded-'));
  const moved = await Promise.all(paths.map((path, index) => moveAside(path, bin, index)));
  const folders = new Set(moved.map((worktree) => worktree.forgotten));
  if (folders.has(undefined)) await git(repoDir, ['worktree', 'prune'], 'check the repository .git/worktrees folder');
  // As git does once the last record is gone: an empty `.git/worktrees` goes too (one still in use stays).
  else await Promise.all([...folders].map((folder) => rmdir(folder ?? '').catch(() => undefined)));
  await deleteInBackground([bin, ...moved.flatMap((worktree) => worktree.left)]);
}

/** Starts a detached `rm -rf` of paths and lets it run on; where there is no rm, deletes them with node and waits. */
async function deleteInBackground(paths: readonly string[]): Promise<void> {
  const started = await new Promise<boolean>((resolveStart) => {
    const child = spawn('rm', ['-rf', '--', ...paths], { stdio: 'ignore', detached: true });
    child.once('spawn', () => {
      child.unref();
      resolveStart(true);
    });
    child.once('error', () => resolveStart(false));
  });
  if (!started) await Promise.all(paths.map((path) => rm(path, { recursive: true, force: true })));
}
