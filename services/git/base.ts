// The branch and commit a run starts from, in one git process: the first agent waits for this.
import { BaseBranchError } from './errors.js';
import { readSymbolicRef } from './git-dir.js';
import { currentBranch, remoteDefaultBranch } from './repo.js';
import { git } from './run.js';

export interface ResolvedBase {
  readonly branch: string;
  readonly sha: string;
  /** The ref the sha was read from: the remote-tracking branch when there is one, else the local branch. */
  readonly ref: string;
  /** Commits of the local branch that its remote-tracking one, which the run starts from, does not have. */
  readonly unpushed?: number;
}

const HEADS = 'refs/heads/';

/** The remote's default branch, else the checked-out one; from the files git keeps them in, else (reftable) from git. */
async function defaultBranch(repoDir: string, remote: string): Promise<string | undefined> {
  const [remoteHead, head] = await Promise.all([
    readSymbolicRef(repoDir, `refs/remotes/${remote}/HEAD`),
    readSymbolicRef(repoDir, 'HEAD'),
  ]);
  if (remoteHead === undefined || head === undefined)
    return (await remoteDefaultBranch(repoDir, remote)) ?? (await currentBranch(repoDir));
  const tracking = `refs/remotes/${remote}/`;
  if (remoteHead.target?.startsWith(tracking)) return remoteHead.target.slice(tracking.length);
  return head.target?.startsWith(HEADS) ? head.target.slice(HEADS.length) : undefined;
}

/** The commit each of `refs` names, among those that exist and name a commit: one `git for-each-ref`. */
async function commitsOf(repoDir: string, refs: readonly string[]): Promise<Map<string, string>> {
  const listed = await git(
    repoDir,
    ['for-each-ref', '--format=%(objecttype) %(objectname) %(refname)', ...refs],
    'check that the repository is readable',
  );
  const commits = new Map<string, string>();
  for (const [type, sha, ref] of listed.split('\n').map((line) => line.split(' ')))
    // A pattern also matches refs under it (refs/heads/main/x): only the exact ones count.
    if (type === 'commit' && sha !== undefined && ref !== undefined && refs.includes(ref)) commits.set(ref, sha);
  return commits;
}

/**
 * The branch a run starts from: `base` if given (`origin/main` given means main), else the remote's default branch,
 * else the checked-out branch.
 * Its commit comes from the remote-tracking branch when one exists (that is what the pull request targets),
 * else from the local branch. BaseBranchError when neither exists.
 */
export async function resolveBase(input: {
  readonly repoDir: string;
  readonly base?: string;
  readonly remote?: string;
}): Promise<ResolvedBase> {
  const { repoDir } = input;
  const remote = input.remote ?? 'origin';
  const branch = input.base ?? (await defaultBranch(repoDir, remote));
  if (branch === undefined) throw new BaseBranchError(repoDir, undefined);
  // `origin/main` as typed names the remote's main, unless a branch is really named so.
  const prefix = `${remote}/`;
  const names = branch.startsWith(prefix) ? [branch, branch.slice(prefix.length)] : [branch];
  const candidates = names.map((name) => [name, [`refs/remotes/${remote}/${name}`, `${HEADS}${name}`]] as const);
  const commits = await commitsOf(
    repoDir,
    candidates.flatMap(([, refs]) => refs),
  );
  for (const [name, refs] of candidates)
    for (const ref of refs) {
      const sha = commits.get(ref);
      if (sha === undefined) continue;
      const local = commits.get(`${HEADS}${name}`);
      const unpushed = local === undefined || local === sha ? 0 : await commitsAhead(repoDir, sha, local);
      return { branch: name, sha, ref, ...(unpushed > 0 ? { unpushed } : {}) };
    }
  throw new BaseBranchError(repoDir, branch);
}

// Only asked when the two differ: a git process the usual start (local and remote alike) never pays.
async function commitsAhead(repoDir: string, from: string, to: string): Promise<number> {
  const count = await git(repoDir, ['rev-list', '--count', `${from}..${to}`], 'check that the repository is readable');
  return Number(count);
}
