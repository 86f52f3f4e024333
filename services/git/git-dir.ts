// What git keeps on disk for a worktree, read directly: a git process per question costs ~5 ms of baro's time and
// grows with its memory, and a story asks several. Anything unusual (reftable, packed refs) falls back to git.
import { isAbsolute, join, resolve } from 'node:path';
import { readIfExists, statIfExists } from './files.js';
import { commitOf, currentBranch } from './repo.js';

const GITDIR_LINE = /^gitdir: (.+)$/m;
const BRANCH_PREFIX = 'refs/heads/';
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The worktree's own git folder: `<worktree>/.git`, or the folder its `.git` file points at (a linked worktree). */
export async function gitDirOf(worktree: string): Promise<string> {
  const dotGit = join(worktree, '.git');
  const stats = await statIfExists(dotGit);
  if (stats === undefined) throw new Error(`${worktree} is not a git worktree (no .git)`);
  if (stats.isDirectory()) return dotGit;
  const pointer = GITDIR_LINE.exec((await readIfExists(dotGit)) ?? '')?.[1]?.trim();
  if (pointer === undefined) throw new Error(`${dotGit} does not say where its git folder is`);
  return isAbsolute(pointer) ? pointer : resolve(worktree, pointer);
}

/** The repository's shared git folder (refs, objects) from a worktree's own one. */
async function commonDirOf(gitDir: string): Promise<string> {
  const pointer = (await readIfExists(join(gitDir, 'commondir')))?.trim();
  if (pointer === undefined || pointer === '') return gitDir;
  return isAbsolute(pointer) ? pointer : resolve(gitDir, pointer);
}

export interface Head {
  readonly sha: string;
  /** Short branch name; undefined when detached. */
  readonly branch: string | undefined;
}

/** The loose ref's commit, or undefined when git keeps it elsewhere (packed, reftable). */
async function looseRef(commonDir: string, ref: string): Promise<string | undefined> {
  const sha = (await readIfExists(join(commonDir, ref)))?.trim();
  return sha !== undefined && SHA.test(sha) ? sha : undefined;
}

/** HEAD of the worktree at cwd: its commit and branch, from the files git writes on every commit or switch. */
export async function readHead(cwd: string): Promise<Head> {
  const gitDir = await gitDirOf(cwd);
  const head = (await readIfExists(join(gitDir, 'HEAD')))?.trim() ?? '';
  const commonDir = await commonDirOf(gitDir);
  // A reftable repository keeps a placeholder HEAD file; git itself answers there.
  const reftable = (await statIfExists(join(commonDir, 'reftable'))) !== undefined;
  if (!reftable && SHA.test(head)) return { sha: head, branch: undefined };
  const ref = head.startsWith('ref: ') ? head.slice('ref: '.length) : undefined;
  if (!reftable && ref?.startsWith(BRANCH_PREFIX)) {
    const branch = ref.slice(BRANCH_PREFIX.length);
    const sha = (await looseRef(commonDir, ref)) ?? (await commitOf(cwd, ref));
    if (sha !== undefined) return { sha, branch };
  }
  const [sha, branch] = await Promise.all([commitOf(cwd, 'HEAD'), currentBranch(cwd)]);
  if (sha === undefined) throw new Error(`HEAD of ${cwd} names no commit`);
  return { sha, branch };
}

/** The path of one of git's per-worktree state files (MERGE_HEAD, rebase-merge…), as `git rev-parse --git-path`. */
export async function gitPath(cwd: string, name: string): Promise<string> {
  return join(await gitDirOf(cwd), name);
}

/**
 * Where a symbolic ref points (`HEAD` → `refs/heads/main`), read from its file: `target` undefined when it is not one
 * there (no file, or a commit written in it; git never packs symbolic refs). Undefined when git must answer (reftable).
 */
export async function readSymbolicRef(
  cwd: string,
  name: string,
): Promise<{ readonly target: string | undefined } | undefined> {
  const gitDir = await gitDirOf(cwd);
  const commonDir = await commonDirOf(gitDir);
  if ((await statIfExists(join(commonDir, 'reftable'))) !== undefined) return undefined;
  // HEAD is each worktree's own; every other ref is the repository's.
  const text = (await readIfExists(join(name === 'HEAD' ? gitDir : commonDir, name)))?.trim();
  return { target: text?.startsWith('ref: ') ? text.slice('ref: '.length) : undefined };
}
