// The errors of the git service: a failed git command, a directory outside any repository, a base that cannot be used.

/**
 * Every non-blank line of a command's output, trimmed, on one line; empty when there is none. All of it: git often
 * says what went wrong after a progress line ("Preparing worktree…", then the fatal one).
 */
export const outputLine = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' | ');

export interface GitErrorDetails {
  /** The git command line as run, without the `-c` settings baro adds, e.g. `git merge --no-ff baro-stories/x/s1`. */
  readonly command: string;
  readonly cwd: string;
  readonly stderr: string;
  /** Undefined when git did not run at all (missing binary, missing directory). */
  readonly exitCode: number | undefined;
  /** What the reader should do about it, appended to the message. */
  readonly next: string;
  readonly cause?: unknown;
}

/** A git command exited with an unexpected status, or could not be started. */
export class GitError extends Error {
  override readonly name = 'GitError';
  readonly command: string;
  readonly cwd: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;

  constructor(details: GitErrorDetails) {
    super(
      `${details.command} failed in ${details.cwd}: ${outputLine(details.stderr) || '(no output)'} — ${details.next}`,
      { cause: details.cause },
    );
    this.command = details.command;
    this.cwd = details.cwd;
    this.stderr = details.stderr;
    this.exitCode = details.exitCode;
  }
}

/** The directory is not inside a git working tree. */
export class NotAGitRepoError extends Error {
  override readonly name = 'NotAGitRepoError';
  readonly cwd: string;

  constructor(cwd: string, options: { readonly cause: GitError }) {
    super(
      `Not inside a git working tree: ${cwd} (${outputLine(options.cause.stderr) || 'no output'}) — run baro from a checkout of your repository`,
      options,
    );
    this.cwd = cwd;
  }
}

/** No usable base branch: the named one does not exist, or none was named and none could be chosen. */
export class BaseBranchError extends Error {
  override readonly name = 'BaseBranchError';
  readonly repoDir: string;
  readonly branch: string | undefined;

  constructor(repoDir: string, branch: string | undefined) {
    const what =
      branch === undefined
        ? 'no base branch: HEAD is detached and the remote has no default branch'
        : `base branch '${branch}' exists neither locally nor as a remote-tracking branch`;
    super(
      `${what} in ${repoDir} — pass --base <branch> with an existing branch (fetch it first if it is only on the remote)`,
    );
    this.repoDir = repoDir;
    this.branch = branch;
  }
}

/** The path is already a worktree, but on another branch than the one asked for. */
export class WorktreeMismatchError extends Error {
  override readonly name = 'WorktreeMismatchError';
  readonly path: string;
  readonly expected: string;
  readonly actual: string | undefined;

  constructor(details: { readonly path: string; readonly expected: string; readonly actual: string | undefined }) {
    const actual = details.actual === undefined ? 'a detached HEAD' : `branch '${details.actual}'`;
    super(
      `Worktree ${details.path} is on ${actual}, not on '${details.expected}' — remove it (git worktree remove --force ${details.path}) or use another path`,
    );
    this.path = details.path;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}
