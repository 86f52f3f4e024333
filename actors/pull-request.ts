// The pull-request step: origin's GitHub repository, a token, then one PR per branch (opened or updated).
import { fromPromise } from 'xstate';
import type { PullRequestRequest } from '../machines/publish-types.js';
import type { PullRequestOutcome } from '../machines/types.js';
import { GitHubApiError, octokitApi } from '../services/github/api.js';
import type { GitHubApi } from '../services/github/api.js';
import { explainGitHubFailure, fitBody, upsertPullRequest } from '../services/github/pull-request.js';
import { apiBaseFor, findGitHubToken } from '../services/github/token.js';
import type { FoundToken } from '../services/github/token.js';
import { parseGitHubRemote, redactRemoteUrl } from '../services/github-remote.js';
import { remoteUrl } from '../services/git/repo.js';

export interface PullRequestDeps {
  readonly repoDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--base`; undefined targets the repository's default branch. */
  readonly base: string | undefined;
  readonly draft: boolean;
  readonly findToken?: (env: PullRequestDeps['env']) => Promise<FoundToken | undefined>;
  readonly api?: (options: { readonly token: string; readonly baseUrl: string }) => GitHubApi;
}

const NO_TOKEN =
  'no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or log in with gh auth login, then run again on the same branch to open it';

export async function openPullRequest(
  deps: PullRequestDeps,
  { branch, report }: PullRequestRequest,
): Promise<PullRequestOutcome> {
  const url = await remoteUrl(deps.repoDir);
  const remote = url === undefined ? undefined : parseGitHubRemote(url);
  if (remote === undefined)
    return {
      status: 'skipped',
      reason: `origin (${url === undefined ? 'not set' : redactRemoteUrl(url)}) is not a GitHub repository URL`,
    };
  const token = await (deps.findToken ?? findGitHubToken)(deps.env);
  if (token === undefined) return { status: 'skipped', reason: NO_TOKEN };
  const apiBase = apiBaseFor(remote.host, deps.env);
  const api = (deps.api ?? octokitApi)({ token: token.token, baseUrl: apiBase });
  const repo = { owner: remote.owner, repo: remote.repo };
  try {
    const pull = await upsertPullRequest(api, {
      repo,
      branch,
      base: deps.base,
      title: report.title,
      body: fitBody(report.body, report.path),
      draft: deps.draft,
    });
    return { status: pull.status, url: pull.url, number: pull.number };
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    throw new Error(
      explainGitHubFailure(error, { repo, branch, base: deps.base, tokenSource: token.source, apiBase }),
      { cause: error },
    );
  }
}

export function pullRequestLogic(deps: PullRequestDeps) {
  return fromPromise<PullRequestOutcome, PullRequestRequest>(({ input }) => openPullRequest(deps, input));
}
