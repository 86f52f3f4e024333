// One pull request per run branch: the open one for the branch is updated, otherwise one is created.
import type { GitHubApi, GitHubApiError, PullRef, RepoId } from './api.js';

export interface PullRequestRequest {
  readonly repo: RepoId;
  readonly branch: string;
  /** The branch the PR targets; undefined: the repository's default branch. */
  readonly base: string | undefined;
  readonly title: string;
  readonly body: string;
  readonly draft: boolean;
}

export type UpsertedPull = PullRef & { readonly status: 'opened' | 'updated' };

// GitHub refuses a pull request body over 65,536 characters (422); a long run's report is cut to fit.
export const BODY_MAX = 65_536;

/** The body as is when it fits; else cut at a line boundary, with a note pointing at the full report. */
export function fitBody(body: string, fullReport: string, max = BODY_MAX): string {
  if (body.length <= max) return body;
  const note = `\n\n… the report is cut here to fit GitHub's limit; the whole of it is in ${fullReport}\n`;
  const cut = body.slice(0, max - note.length);
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}${note}`;
}

/** Updates the open PR whose head is the branch, else opens one; never a second PR for one branch. */
export async function upsertPullRequest(api: GitHubApi, request: PullRequestRequest): Promise<UpsertedPull> {
  const { repo, branch, title, body } = request;
  const existing = await api.openPullFor(repo, branch);
  if (existing !== undefined)
    return { status: 'updated', ...(await api.updatePull(repo, existing.number, { title, body })) };
  const base = request.base ?? (await api.defaultBranch(repo));
  return {
    status: 'opened',
    ...(await api.createPull(repo, { head: branch, base, title, body, draft: request.draft })),
  };
}

export interface FailureContext {
  readonly repo: RepoId;
  readonly branch: string;
  readonly base: string | undefined;
  /** Where the token came from (`GITHUB_TOKEN`…), never the token. */
  readonly tokenSource: string;
  readonly apiBase: string;
}

/** What went wrong with a GitHub call and what to fix, in one message: token, scope, repository name or base. */
export function explainGitHubFailure(error: GitHubApiError, context: FailureContext): string {
  const name = `${context.repo.owner}/${context.repo.repo}`;
  const said = `${error.status ?? ''} ${error.detail}`.trim();
  const base = context.base === undefined ? "the repository's default branch" : `'${context.base}'`;
  switch (error.status) {
    case undefined:
      return `could not reach GitHub at ${context.apiBase} to ${error.operation} (${error.detail}) — check the network, or GITHUB_API_URL for GitHub Enterprise`;
    case 401:
      return `GitHub did not accept the token from ${context.tokenSource} (${said}) — it is wrong, expired or revoked: set a valid token in GITHUB_TOKEN, or run gh auth login`;
    case 403:
      return /rate limit/i.test(error.detail)
        ? `GitHub's rate limit stopped baro from being able to ${error.operation} on ${name} (${said}) — wait for the limit to reset, then open the PR by hand`
        : `GitHub refused to let the token from ${context.tokenSource} ${error.operation} on ${name} (${said}) — give it the scope to write pull requests: "repo" for a classic token, "Pull requests: read and write" (and "Contents: read") on ${name} for a fine-grained one`;
    case 404:
      return `GitHub has no repository ${name} that the token from ${context.tokenSource} can see (${said}, trying to ${error.operation}) — check the repository name in origin's URL (git remote get-url origin), and that the token has access to it (private repositories need the "repo" scope)`;
    case 422:
      return `GitHub refused the pull request ${context.branch} → ${base} on ${name} (${said}) — check that the base branch ${base} exists on GitHub (choose it with --base BRANCH) and that ${context.branch} has commits it lacks`;
    default:
      return `GitHub answered ${said} when baro tried to ${error.operation} on ${name} — try again later; the branch is pushed, so the PR can also be opened by hand`;
  }
}
