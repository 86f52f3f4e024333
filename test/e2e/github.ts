// A repository whose origin reads as https://github.com/acme/widgets.git while git fetches and pushes to a local bare
// repository, a loopback fake of GitHub, and no `gh` to fall back on.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { startFakeGitHub } from '../fake-github/server.js';
import type { FakeGitHub, FakeGitHubOptions } from '../fake-github/server.js';
import { addBareRemote, git, makeTempRepo } from '../helpers/repo.js';

export const GITHUB_URL = 'https://github.com/acme/widgets.git';
export const TOKEN = 'ghp_fake_token';

const servers: FakeGitHub[] = [];

/** Closes every fake GitHub a test of this file started. */
export function useFakeGitHubCleanup(): void {
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
}

export interface GitHubRepo {
  readonly repo: string;
  readonly bare: string;
  readonly github: FakeGitHub;
  /** The environment a run needs: the fake API, the token (unless `token: false`), a `gh` that knows no token. */
  readonly env: Record<string, string>;
}

export async function makeGitHubRepo(
  options: { readonly token?: boolean; readonly github?: Partial<FakeGitHubOptions> } = {},
): Promise<GitHubRepo> {
  const repo = await makeTempRepo();
  const bare = await addBareRemote(repo);
  await git(repo, 'remote', 'set-url', 'origin', GITHUB_URL);
  await git(repo, 'config', `url.${bare}.insteadOf`, GITHUB_URL);
  const github = await startFakeGitHub({ owner: 'acme', repo: 'widgets', token: TOKEN, ...options.github });
  servers.push(github);
  // A gh that is logged out, so a developer's own gh login never reaches a test.
  const bin = join(dirname(repo), 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'gh'), '#!/bin/sh\necho "You are not logged into any GitHub hosts." >&2\nexit 1\n');
  await chmod(join(bin, 'gh'), 0o755);
  const env: Record<string, string> = {
    GITHUB_API_URL: github.url,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    ...(options.token === false ? {} : { GITHUB_TOKEN: TOKEN }),
  };
  return { repo, bare, github, env };
}
