// Commits in baro's worktrees: everything an agent left behind, under the repository's identity when it has one.
import { stripControl } from '../text.js';
import { readHead } from './git-dir.js';
import { failure, git, runGit } from './run.js';

const FALLBACK_IDENTITY = { 'user.name': 'baro', 'user.email': 'baro@localhost' } as const;

/**
 * `-c user.name=… -c user.email=…` for whichever of the two git has no value for in cwd (none when both are set),
 * so a machine without a git identity can still commit.
 */
export async function identityArgs(cwd: string): Promise<string[]> {
  const args = ['config', '--get-regexp', '^user\\.(name|email)$'];
  const output = await runGit(cwd, args);
  // git config exits 1 when no key matches.
  if (output.exitCode !== 0 && output.exitCode !== 1) throw failure(cwd, args, output, 'check the git configuration');
  const configured = new Set(output.stdout.split('\n').map((line) => line.split(' ', 1)[0]));
  return Object.entries(FALLBACK_IDENTITY).flatMap(([key, value]) =>
    configured.has(key) ? [] : ['-c', `${key}=${value}`],
  );
}

export interface CommitResult {
  readonly committed: boolean;
  /** HEAD after the call: the new commit, or the unchanged HEAD when there was nothing to commit. */
  readonly sha: string;
  /** The branch HEAD is on (short name); undefined when detached. */
  readonly branch: string | undefined;
}

export interface CommitInput {
  readonly cwd: string;
  readonly message: string;
  /** `identityArgs` computed once for the repository; looked up again when absent. */
  readonly identity?: readonly string[] | undefined;
}

// What git (LC_ALL=C, see run.ts) says when a commit has nothing staged.
const NOTHING_TO_COMMIT = /^nothing (added )?to commit/m;

/**
 * Stages every change in the worktree (new, modified, deleted) and commits it; no commit when nothing changed.
 * The message keeps its lines but no escape codes: `git log` would replay them on a terminal.
 */
export async function commitAll({ cwd, message, identity }: CommitInput): Promise<CommitResult> {
  await git(cwd, ['add', '-A'], `check the files in ${cwd} (permissions, .gitignore, a stale index.lock)`);
  // Unattended: no hook that needs the worktree's dependencies installed, no signing prompt; the checks run separately.
  const args = [
    ...(identity ?? (await identityArgs(cwd))),
    '-c',
    'commit.gpgSign=false',
    'commit',
    '--quiet',
    '--no-verify',
    '-m',
    stripControl(message),
  ];
  const output = await runGit(cwd, args);
  const nothing = output.exitCode === 1 && NOTHING_TO_COMMIT.test(output.stdout);
  if (output.exitCode !== 0 && !nothing) throw failure(cwd, args, output, 'check the git identity of the repository');
  return { committed: !nothing, ...(await readHead(cwd)) };
}
