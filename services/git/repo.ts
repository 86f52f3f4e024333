// Read-only questions about a repository: where it is, which branch is checked out, what a ref or the remote points at.
import { GitError, NotAGitRepoError } from './errors.js';
import { failure, git, runGit } from './run.js';

/** The top of the working tree that contains cwd; NotAGitRepoError outside one. */
export async function repoRoot(cwd: string): Promise<string> {
  try {
    return await git(cwd, ['rev-parse', '--show-toplevel'], 'run it from inside a checkout');
  } catch (error) {
    if (error instanceof GitError) throw new NotAGitRepoError(cwd, { cause: error });
    throw error;
  }
}

/** The top of the working tree that contains cwd; undefined outside one. */
export async function repoRootIfAny(cwd: string): Promise<string | undefined> {
  try {
    return await repoRoot(cwd);
  } catch (error) {
    if (error instanceof NotAGitRepoError) return undefined;
    throw error;
  }
}

/** The checked-out branch's short name; undefined when HEAD is detached. */
export async function currentBranch(repoDir: string): Promise<string | undefined> {
  const args = ['symbolic-ref', '--quiet', '--short', 'HEAD'];
  const output = await runGit(repoDir, args);
  if (output.exitCode === 0) return output.stdout.trim();
  // --quiet: exit 1 without a message means "HEAD is not a symbolic ref", i.e. detached.
  if (output.exitCode === 1 && output.stderr.trim() === '') return undefined;
  throw failure(repoDir, args, output, 'check that the repository is readable');
}

/** The commit a ref names (branch, full ref, sha, `HEAD`); undefined when it names none. */
export async function commitOf(cwd: string, ref: string): Promise<string | undefined> {
  const args = ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`];
  const output = await runGit(cwd, args);
  if (output.exitCode === 0) return output.stdout.trim();
  // --verify --quiet: exit 1 without a message means the ref does not exist.
  if (output.exitCode === 1 && output.stderr.trim() === '') return undefined;
  throw failure(cwd, args, output, 'check that the repository is readable');
}

/** The commit sha a ref names; GitError when it names none. */
export async function revParse(cwd: string, ref: string): Promise<string> {
  const sha = await commitOf(cwd, ref);
  if (sha !== undefined) return sha;
  throw new GitError({
    command: `git rev-parse --verify ${ref}^{commit}`,
    cwd,
    stderr: `'${ref}' names no commit`,
    exitCode: 1,
    next: 'check the branch or ref name',
  });
}

/** Whether the local branch refs/heads/<branch> exists. */
export async function branchExists(repoDir: string, branch: string): Promise<boolean> {
  return (await commitOf(repoDir, `refs/heads/${branch}`)) !== undefined;
}

/** The configured URL of a remote, as written (insteadOf rules not applied); undefined when there is none. */
export async function remoteUrl(repoDir: string, remote = 'origin'): Promise<string | undefined> {
  const args = ['config', '--get', `remote.${remote}.url`];
  const output = await runGit(repoDir, args);
  if (output.exitCode === 0) return output.stdout.trim();
  // git config exits 1 when the key is not set.
  if (output.exitCode === 1) return undefined;
  throw failure(repoDir, args, output, 'check the repository configuration (.git/config)');
}

/** The branch the remote's HEAD points at (`main` for refs/remotes/origin/HEAD → origin/main); undefined when unknown. */
export async function remoteDefaultBranch(repoDir: string, remote = 'origin'): Promise<string | undefined> {
  const args = ['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`];
  const output = await runGit(repoDir, args);
  if (output.exitCode !== 0 && output.stderr.trim() === '') return undefined;
  if (output.exitCode !== 0)
    throw failure(repoDir, args, output, `check refs/remotes/${remote}/HEAD (git remote set-head ${remote} --auto)`);
  const prefix = `refs/remotes/${remote}/`;
  const target = output.stdout.trim();
  return target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
}
