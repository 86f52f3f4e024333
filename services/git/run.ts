// Runs one git command and hands back its exit code and output; which exit codes are failures is each verb's call.
// Plain spawn: a run makes hundreds of these calls and simple-git cost ~50 ms each, execa ~4 ms more than this; from
// the spawn helper once it is up, which spares baro's main thread the fork.
import { runCommand } from '../process/spawn-helper.js';
import { GitError } from './errors.js';

export interface GitOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly signal?: AbortSignal | undefined;
  /** Written to git's stdin (`update-ref --stdin`); stdin is closed when absent. */
  readonly stdin?: string | undefined;
}

// Several worktrees write at once; an automatic gc or maintenance run racing them is the last thing we want.
const SETTINGS = ['gc.auto=0', 'maintenance.auto=false'].flatMap((setting) => ['-c', setting]);

// The user's environment (ssh and credential settings) minus what would point git at another repository or index,
// which keeps the user's checkout out of reach, and never a password prompt on the terminal.
// LC_ALL=C: the few messages baro reads (and shows) are git's own English ones, whatever the user's locale.
const ENV = {
  LC_ALL: 'C',
  GIT_TERMINAL_PROMPT: '0',
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_COMMON_DIR: undefined,
  GIT_OBJECT_DIRECTORY: undefined,
  GIT_ALTERNATE_OBJECT_DIRECTORIES: undefined,
  GIT_NAMESPACE: undefined,
  GIT_PREFIX: undefined,
};

/** The environment every git child gets, for the few callers that spawn git themselves (to feed its stdin). */
export const gitEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ...ENV });

const commandLine = (args: readonly string[]): string => `git ${args.join(' ')}`;

/** Runs `git <args>` in cwd; resolves for every exit code, rejects only when git could not run. */
export async function runGit(cwd: string, args: readonly string[], options: RunOptions = {}): Promise<GitOutput> {
  const command = { file: 'git', args: [...SETTINGS, ...args], cwd, env: gitEnv(), stdin: options.stdin };
  const result = await runCommand(command, { signal: options.signal });
  if (!result.ran) {
    const next = options.signal?.aborted
      ? 'it was cancelled; run it again'
      : 'check that git is installed and on PATH and that the directory exists';
    throw new GitError({ command: commandLine(args), cwd, stderr: result.message, exitCode: undefined, next });
  }
  const { exitCode, stdout, stderr, signal } = result;
  if (exitCode !== null) return { exitCode, stdout, stderr };
  throw new GitError({
    command: commandLine(args),
    cwd,
    stderr: stderr || `git was stopped by ${signal ?? 'a signal'}`,
    exitCode: undefined,
    next: 'run it again',
  });
}

/** Runs git and returns its trimmed stdout; any non-zero exit is a GitError that ends with `next`. */
export async function git(
  cwd: string,
  args: readonly string[],
  next: string,
  options: RunOptions = {},
): Promise<string> {
  const output = await runGit(cwd, args, options);
  if (output.exitCode !== 0) throw failure(cwd, args, output, next);
  return output.stdout.trim();
}

/** The GitError for a finished command whose exit code the caller did not expect. */
export function failure(cwd: string, args: readonly string[], output: GitOutput, next: string): GitError {
  return new GitError({
    command: commandLine(args),
    cwd,
    stderr: output.stderr || output.stdout,
    exitCode: output.exitCode,
    next,
  });
}
