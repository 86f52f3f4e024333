// baro's own checkouts: worktrees added next to the user's, never the user's checkout itself. git fails a worktree
// command that reads a sibling's registration while another one writes it: callers run them one at a time (the Operator).
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WorktreeMismatchError } from './errors.js';
import { statIfExists } from './files.js';
import { readHead } from './git-dir.js';
import { rebasingBranch } from './rebase.js';
import { branchExists } from './repo.js';
import { failure, git, runGit } from './run.js';

export interface WorktreeEntry {
  readonly path: string;
  readonly head: string | undefined;
  /** Short name of the branch checked out, or being rebased (HEAD is detached meanwhile); undefined when detached. */
  readonly branch: string | undefined;
}

const BRANCH_PREFIX = 'refs/heads/';

const exists = async (path: string): Promise<boolean> => (await statIfExists(path)) !== undefined;

const parseEntry = (block: string): WorktreeEntry => {
  const fields = new Map(
    block.split('\n').map((line) => [line.split(' ', 1)[0] ?? '', line.slice(line.indexOf(' ') + 1)]),
  );
  const ref = fields.get('branch');
  return {
    path: fields.get('worktree') ?? '',
    head: fields.get('HEAD'),
    branch: ref?.startsWith(BRANCH_PREFIX) ? ref.slice(BRANCH_PREFIX.length) : undefined,
  };
};

/** Every worktree of the repository (the main one first), from `git worktree list --porcelain`. */
export async function listWorktrees(repoDir: string): Promise<WorktreeEntry[]> {
  const out = await git(repoDir, ['worktree', 'list', '--porcelain'], 'check that the repository is readable');
  const entries = out
    .split(/\n\n+/)
    .filter((block) => block.trim() !== '')
    .map(parseEntry);
  return Promise.all(
    entries.map(async (entry) =>
      entry.branch === undefined && (await exists(entry.path))
        ? { ...entry, branch: await rebasingBranch(entry.path) }
        : entry,
    ),
  );
}

// git records absolute paths; a symlinked temp or home folder must still compare equal.
const canonical = async (path: string): Promise<string> => ((await exists(path)) ? realpath(path) : resolve(path));

async function findWorktree(repoDir: string, path: string): Promise<WorktreeEntry | undefined> {
  const wanted = await canonical(path);
  for (const entry of await listWorktrees(repoDir)) {
    if ((await canonical(entry.path)) === wanted) return entry;
  }
  return undefined;
}

export interface AddWorktreeInput {
  readonly repoDir: string;
  readonly path: string;
  readonly branch: string;
  /** Where a new branch starts; ignored when the branch already exists. */
  readonly startPoint: string;
  /** The caller made the branch already (a run branch is claimed first): checked out as it is, no failed `-b` first. */
  readonly branchExists?: boolean;
}

export interface AddedWorktree {
  readonly path: string;
  readonly branch: string;
  readonly head: string;
  /** False when the worktree was already there on that branch. */
  readonly created: boolean;
}

/**
 * A worktree at path on branch. Creates the branch at startPoint when it does not exist, reuses it unmoved when it
 * does, and returns an existing worktree on that branch unchanged. WorktreeMismatchError when path is a worktree on
 * another branch.
 */
export async function addWorktree(input: AddWorktreeInput): Promise<AddedWorktree> {
  const { repoDir, path, branch, startPoint } = input;
  // Nothing on disk is the usual case: no need to list every worktree (one git process fewer on a story's start).
  const existing = (await exists(path)) ? await findWorktree(repoDir, path) : undefined;
  if (existing !== undefined) {
    if (existing.branch !== branch)
      throw new WorktreeMismatchError({ path, expected: branch, actual: existing.branch });
    return { path, branch, head: (await readHead(path)).sha, created: false };
  }
  // The branch is new (or, told so, already made) and the path free in the usual case: try that first, and look closer
  // only when it fails. --no-track: a remote-tracking start point must not become the new branch's upstream.
  const create = ['worktree', 'add', '--no-track', '-b', branch, path, startPoint];
  const checkout = ['worktree', 'add', path, branch];
  const first = input.branchExists ? checkout : create;
  const next = `check that ${path} is free and '${branch}' is not checked out in another worktree`;
  const added = await runGit(repoDir, first);
  if (added.exitCode !== 0) {
    const retry = await retryOverLeftovers({ repoDir, path, branch, create, checkout, first });
    if (retry === undefined) throw failure(repoDir, first, added, next);
    await git(repoDir, retry, next);
  }
  // HEAD from the files git just wrote: no git process on the path every story takes.
  return { path, branch, head: (await readHead(path)).sha, created: true };
}

/**
 * What to run again after a failed add, for the leftovers of an earlier run: a branch that already exists is checked
 * out as it is, a branch said to exist that does not is made, and a registration whose folder was deleted (a crash, a
 * manual rm) is forgotten first. Undefined when none is the case: the first failure is the one to report.
 */
async function retryOverLeftovers(input: {
  readonly repoDir: string;
  readonly path: string;
  readonly branch: string;
  readonly create: readonly string[];
  readonly checkout: readonly string[];
  readonly first: readonly string[];
}): Promise<readonly string[] | undefined> {
  const { repoDir, path, branch, create, checkout, first } = input;
  const registered = (await findWorktree(repoDir, path)) !== undefined;
  const kept = await branchExists(repoDir, branch);
  const retry = kept ? checkout : create;
  if (!registered && retry === first) return undefined;
  if (registered) await git(repoDir, ['worktree', 'prune'], 'check the repository .git/worktrees folder');
  return retry;
}

/** Removes the worktree at path even with uncommitted changes; nothing to do when it is gone. Then prunes stale entries. */
export async function removeWorktree({
  repoDir,
  path,
}: {
  readonly repoDir: string;
  readonly path: string;
}): Promise<{ readonly removed: boolean }> {
  const existing = await findWorktree(repoDir, path);
  const present = existing !== undefined && (await exists(existing.path));
  if (present) {
    await git(
      repoDir,
      ['worktree', 'remove', '--force', existing.path],
      `remove ${path} by hand, then run git worktree prune`,
    );
  }
  await git(repoDir, ['worktree', 'prune'], 'check the repository .git/worktrees folder');
  return { removed: present };
}
