// Runs one git command and hands back its exit code and output; which exit codes are failures is each verb's call.
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import { GitError } from './errors.js';

export interface GitOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Lets the command carry `-c core.editor=…`, which simple-git refuses by default. */
  readonly allowEditor?: boolean;
}

// Several worktrees write at once; an automatic gc or maintenance run racing them is the last thing we want.
const SETTINGS = ['gc.auto=0', 'maintenance.auto=false'];

// simple-git strips every other ambient GIT_* variable (GIT_DIR, GIT_INDEX_FILE, …), which keeps the user's checkout out of reach.
const HONOURED_ENV = [
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
];

// simple-git reports a spawn failure as a negative code and a signal as null.
const exited = (code: number | null): code is number => code !== null && code >= 0 && code <= 255;

const commandLine = (args: readonly string[]): string => `git ${args.join(' ')}`;

/** Runs `git <args>` in cwd through simple-git; resolves for every exit code, rejects only when git could not run. */
export async function runGit(cwd: string, args: readonly string[], options: RunOptions = {}): Promise<GitOutput> {
  let exit: { readonly exitCode: number; readonly stderr: string } | undefined;
  try {
    const git = simpleGit({
      baseDir: cwd,
      config: SETTINGS,
      allowEnvironment: HONOURED_ENV,
      unsafe: { allowUnsafeEditor: options.allowEditor ?? false },
      // Every exit of git resolves, so each verb judges its exit code; only a git that never ran (spawn error, signal) rejects.
      errors: (error, result) => {
        if (!exited(result.exitCode)) return error;
        exit = { exitCode: result.exitCode, stderr: Buffer.concat(result.stdErr).toString('utf8') };
        return undefined;
      },
    });
    const stdout = await git.raw([...args]);
    return { exitCode: exit?.exitCode ?? 0, stdout, stderr: exit?.stderr ?? '' };
  } catch (cause) {
    throw new GitError({
      command: commandLine(args),
      cwd,
      stderr: cause instanceof Error ? cause.message : String(cause),
      exitCode: undefined,
      next: 'check that git is installed and on PATH and that the directory exists',
      cause,
    });
  }
}

/** Runs git and returns its trimmed stdout; any non-zero exit is a GitError that ends with `next`. */
export async function git(cwd: string, args: readonly string[], next: string, options: RunOptions = {}): Promise<string> {
  const output = await runGit(cwd, args, options);
  if (output.exitCode !== 0) throw failure(cwd, args, output, next);
  return output.stdout.trim();
}

/** The GitError for a finished command whose exit code the caller did not expect. */
export function failure(cwd: string, args: readonly string[], output: GitOutput, next: string): GitError {
  return new GitError({ command: commandLine(args), cwd, stderr: output.stderr || output.stdout, exitCode: output.exitCode, next });
}

// The user's environment minus what would point git at another repository or index, plus no terminal prompts.
const ONLINE_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_COMMON_DIR: undefined,
  GIT_OBJECT_DIRECTORY: undefined,
  GIT_ALTERNATE_OBJECT_DIRECTORIES: undefined,
  GIT_NAMESPACE: undefined,
};

/**
 * Runs a fetch or push with execa, so git sees the user's whole environment (ssh and credential settings, which
 * simple-git strips) and never waits for a password on the terminal.
 */
export async function runGitOnline(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<GitOutput> {
  const settings = SETTINGS.flatMap((setting) => ['-c', setting]);
  const result = await execa('git', [...settings, ...args], {
    cwd,
    reject: false,
    stdin: 'ignore',
    env: ONLINE_ENV,
    ...(signal === undefined ? {} : { cancelSignal: signal }),
  });
  if (result.exitCode === undefined) {
    throw new GitError({
      command: commandLine(args),
      cwd,
      stderr: result.stderr || (result.message ?? 'git did not start'),
      exitCode: undefined,
      next: result.isCanceled ? 'it was cancelled; run it again' : 'check that git is installed and on PATH and that the directory exists',
      cause: result,
    });
  }
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}
