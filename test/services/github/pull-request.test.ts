// The GitHub adapter and the upsert against the loopback fake of GitHub: requests, status codes, messages.
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubApiError, octokitApi } from '../../../services/github/api.js';
import { BODY_MAX, explainGitHubFailure, fitBody, upsertPullRequest } from '../../../services/github/pull-request.js';
import { startFakeGitHub } from '../../fake-github/server.js';
import type { FakeGitHub, FakeGitHubOptions } from '../../fake-github/server.js';

const repo = { owner: 'acme', repo: 'widgets' };
const servers: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(options: Partial<FakeGitHubOptions> = {}) {
  const server = await startFakeGitHub({ ...repo, token: 't0k', ...options });
  servers.push(server);
  return server;
}

const request = { repo, branch: 'baro/x', base: undefined, title: 'Add x', body: 'body 1', draft: true };

async function failureOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GitHubApiError)) throw new Error(`expected a GitHubApiError, got ${String(error)}`);
  return explainGitHubFailure(error, {
    repo,
    branch: 'baro/x',
    base: undefined,
    tokenSource: 'GITHUB_TOKEN',
    apiBase: 'http://x',
  });
}

describe('upsertPullRequest over octokit', () => {
  it("opens one PR against the repository's default branch, then updates it instead of opening a second", async () => {
    const server = await fake({ defaultBranch: 'trunk' });
    const api = octokitApi({ token: 't0k', baseUrl: server.url });
    const opened = await upsertPullRequest(api, request);
    expect(opened).toEqual({ status: 'opened', number: 1, url: 'https://github.com/acme/widgets/pull/1' });
    expect(server.pulls[0]).toMatchObject({ head: 'baro/x', base: 'trunk', title: 'Add x', draft: true });

    const updated = await upsertPullRequest(api, { ...request, title: 'Add x, y', body: 'body 2' });
    expect(updated).toMatchObject({ status: 'updated', number: 1 });
    expect(server.pulls).toHaveLength(1);
    expect(server.pulls[0]).toMatchObject({ title: 'Add x, y', body: 'body 2' });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/widgets/pulls',
      'GET /repos/acme/widgets',
      'POST /repos/acme/widgets/pulls',
      'GET /repos/acme/widgets/pulls',
      'PATCH /repos/acme/widgets/pulls/1',
    ]);
    expect(server.requests[0]?.query).toMatchObject({ head: 'acme:baro/x', state: 'open' });
  });

  it('targets --base when given, without reading the repository', async () => {
    const server = await fake({ branches: ['main', 'develop'] });
    await upsertPullRequest(octokitApi({ token: 't0k', baseUrl: server.url }), { ...request, base: 'develop' });
    expect(server.pulls[0]?.base).toBe('develop');
    expect(server.requests.map((r) => r.path)).not.toContain('/repos/acme/widgets');
  });

  it('401: the token is wrong', async () => {
    const server = await fake();
    const message = await failureOf(upsertPullRequest(octokitApi({ token: 'nope', baseUrl: server.url }), request));
    expect(message).toContain('401 Bad credentials');
    expect(message).toContain('GITHUB_TOKEN');
  });

  it('403: the token lacks the scope to write pull requests', async () => {
    const server = await fake({ readOnly: true });
    const message = await failureOf(upsertPullRequest(octokitApi({ token: 't0k', baseUrl: server.url }), request));
    expect(message).toContain('403');
    expect(message).toContain('"repo"');
    expect(message).toContain('Pull requests: read and write');
  });

  it('404: origin names a repository GitHub does not show this token', async () => {
    const server = await fake({ owner: 'someone-else' });
    const message = await failureOf(upsertPullRequest(octokitApi({ token: 't0k', baseUrl: server.url }), request));
    expect(message).toContain('404');
    expect(message).toContain('acme/widgets');
    expect(message).toContain('git remote get-url origin');
  });

  it('422: the base branch does not exist on GitHub', async () => {
    const server = await fake({ branches: [] });
    const message = await failureOf(upsertPullRequest(octokitApi({ token: 't0k', baseUrl: server.url }), request));
    expect(message).toContain('422 Validation Failed');
    expect(message).toContain('base branch');
    expect(message).toContain('--base');
  });

  it('no answer at all names the API base to check', async () => {
    const server = await fake();
    await server.close();
    servers.pop();
    const message = await failureOf(upsertPullRequest(octokitApi({ token: 't0k', baseUrl: server.url }), request));
    expect(message).toContain('could not reach GitHub at http://x');
  });
});

describe('fitBody', () => {
  it('keeps a body that fits and cuts a long one at a line, pointing at the full report', () => {
    expect(fitBody('short', 'report.md')).toBe('short');
    const long = Array.from({ length: 5000 }, (_, i) => `| S${i} | a story with a long enough title |`).join('\n');
    const fitted = fitBody(long, '/runs/r1/report.md');
    expect(fitted.length).toBeLessThanOrEqual(BODY_MAX);
    expect(fitted).toMatch(
      /\|\n\n… the report is cut here to fit GitHub's limit; the whole of it is in \/runs\/r1\/report\.md\n$/,
    );
  });
});
