// Talking to a remote: a fetch that may fail (offline is not an error) and a push that is never forced.
import { outputLine } from './errors.js';
import { runGit } from './run.js';

export type FetchResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** `git fetch <remote> [<branch>]` (one branch into its remote-tracking ref); a failure (offline, unknown remote, no access) comes back as data for the caller to warn about. */
export async function fetchRemote(input: {
  readonly repoDir: string;
  readonly remote: string;
  readonly branch?: string;
  readonly signal?: AbortSignal;
}): Promise<FetchResult> {
  const refspec =
    input.branch === undefined ? [] : [`+refs/heads/${input.branch}:refs/remotes/${input.remote}/${input.branch}`];
  const output = await runGit(input.repoDir, ['fetch', '--quiet', input.remote, ...refspec], { signal: input.signal });
  if (output.exitCode === 0) return { ok: true };
  return {
    ok: false,
    message: `git fetch ${input.remote} failed: ${outputLine(output.stderr) || `exit code ${output.exitCode}`}`,
  };
}

export type PushResult =
  | { readonly status: 'pushed' | 'up-to-date' }
  /**
   * The remote refused the update. `behind`: someone else pushed to the branch (fetch, integrate, push again);
   * otherwise a hook or branch protection declined it.
   */
  | { readonly status: 'rejected'; readonly message: string; readonly behind: boolean }
  /** The push did not get as far as the remote's answer: network, authentication, unknown remote. */
  | { readonly status: 'failed'; readonly message: string };

// One --porcelain line per ref: <flag> TAB <from>:<to> TAB <summary>; flag '!' means rejected, '=' up to date.
const PORCELAIN = /^([ +\-*!=])\t([^\t]*)\t(.*)$/;
// git's summaries for a remote branch that has commits the pushed one lacks.
const BEHIND = /\[rejected\] \((fetch first|non-fast-forward)\)/;

/**
 * `git push --set-upstream <remote> <branch>:<branch>`, never forced: the branch then tracks the remote's, as after
 * `git push -u`. Rejections and failures come back as data.
 */
export async function pushBranch(input: {
  readonly cwd: string;
  readonly remote: string;
  readonly branch: string;
  readonly signal?: AbortSignal;
}): Promise<PushResult> {
  const ref = `refs/heads/${input.branch}`;
  const output = await runGit(input.cwd, ['push', '--porcelain', '--set-upstream', input.remote, `${ref}:${ref}`], {
    signal: input.signal,
  });
  const line = output.stdout
    .split('\n')
    .map((text) => PORCELAIN.exec(text))
    .find((match) => match?.[2] === `${ref}:${ref}`);
  const [, flag, , summary] = line ?? [];
  if (flag === '!')
    return {
      status: 'rejected',
      message: `git push ${input.remote} ${input.branch} was rejected: ${summary ?? ''}`.trim(),
      behind: BEHIND.test(summary ?? ''),
    };
  if (output.exitCode === 0) return { status: flag === '=' ? 'up-to-date' : 'pushed' };
  return {
    status: 'failed',
    message: `git push ${input.remote} ${input.branch} failed: ${outputLine(output.stderr) || `exit code ${output.exitCode}`}`,
  };
}
