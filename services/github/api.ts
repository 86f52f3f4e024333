// The GitHub REST calls baro makes, over @octokit/rest; failures become GitHubApiError with GitHub's own words.
import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import { importEsm } from '../esm-import.js';

export interface RepoId {
  readonly owner: string;
  readonly repo: string;
}

export interface PullRef {
  readonly number: number;
  readonly url: string;
}

export interface NewPull {
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly draft: boolean;
}

/** The calls baro needs; tests fake this interface or serve it from a loopback fake of GitHub. */
export interface GitHubApi {
  readonly defaultBranch: (repo: RepoId) => Promise<string>;
  /** The open pull request whose head is `owner:branch`, if any. */
  readonly openPullFor: (repo: RepoId, branch: string) => Promise<PullRef | undefined>;
  readonly createPull: (repo: RepoId, pull: NewPull) => Promise<PullRef>;
  readonly updatePull: (
    repo: RepoId,
    number: number,
    change: { readonly title: string; readonly body: string },
  ) => Promise<PullRef>;
}

/** A call GitHub answered with an error status (undefined: it was never answered, e.g. offline). */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  readonly status: number | undefined;
  readonly operation: string;
  /** GitHub's message and its validation errors, as it wrote them. */
  readonly detail: string;

  constructor(operation: string, status: number | undefined, detail: string, options?: ErrorOptions) {
    super(`GitHub ${operation}: ${status ?? 'no answer'} ${detail}`.trim(), options);
    this.operation = operation;
    this.status = status;
    this.detail = detail;
  }
}

const errorSchema = z.object({
  status: z.number().optional(),
  message: z.string().optional(),
  response: z
    .object({
      data: z
        .object({
          message: z.string().optional(),
          errors: z.array(z.looseObject({ message: z.string().optional(), code: z.string().optional() })).optional(),
        })
        .catch({})
        .optional(),
    })
    .optional(),
});

function apiError(operation: string, error: unknown): GitHubApiError {
  const parsed = errorSchema.safeParse(error);
  const data = parsed.success ? parsed.data.response?.data : undefined;
  const errors = (data?.errors ?? []).map((e) => e.message ?? e.code ?? '').filter((text) => text !== '');
  const message = data?.message ?? (parsed.success ? parsed.data.message : undefined) ?? String(error);
  const detail = errors.length > 0 ? `${message}: ${errors.join('; ')}` : message;
  // octokit reports a request that got no answer (refused, offline) as a 500 without a response.
  const status = parsed.success && parsed.data.response !== undefined ? parsed.data.status : undefined;
  return new GitHubApiError(operation, status, detail, { cause: error });
}

async function call<T>(operation: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw apiError(operation, error);
  }
}

const quiet = () => undefined;

/** The GitHub API at `baseUrl`, authenticated with `token`. */
export function octokitApi(options: { readonly token: string; readonly baseUrl: string }): GitHubApi {
  // Loaded on the first call: a run that never reaches its pull request does not pay octokit's import at start-up.
  let client: Promise<Octokit> | undefined;
  const sdk = () => {
    client ??= importEsm<{ Octokit: typeof Octokit }>('@octokit/rest').then(
      ({ Octokit }) =>
        // baro prints through its reporter only; octokit's own console logging stays off.
        new Octokit({
          auth: options.token,
          baseUrl: options.baseUrl,
          userAgent: 'baro',
          log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
        }),
    );
    return client;
  };
  return {
    defaultBranch: async (repo) => {
      const octokit = await sdk();
      return (await call('read the repository', () => octokit.rest.repos.get({ ...repo }))).data.default_branch;
    },
    openPullFor: async (repo, branch) => {
      const octokit = await sdk();
      const { data } = await call('list pull requests', () =>
        octokit.rest.pulls.list({ ...repo, head: `${repo.owner}:${branch}`, state: 'open', per_page: 1 }),
      );
      const pull = data[0];
      return pull === undefined ? undefined : { number: pull.number, url: pull.html_url };
    },
    createPull: async (repo, pull) => {
      const octokit = await sdk();
      const { data } = await call('create the pull request', () => octokit.rest.pulls.create({ ...repo, ...pull }));
      return { number: data.number, url: data.html_url };
    },
    updatePull: async (repo, number, change) => {
      const octokit = await sdk();
      const { data } = await call('update the pull request', () =>
        octokit.rest.pulls.update({ ...repo, pull_number: number, ...change }),
      );
      return { number: data.number, url: data.html_url };
    },
  };
}
