// Finding a GitHub token the way the gh CLI's users expect: GITHUB_TOKEN, then GH_TOKEN, then `gh auth token`.

export interface FoundToken {
  readonly token: string;
  /** Where it came from, for messages; never the token itself. */
  readonly source: 'GITHUB_TOKEN' | 'GH_TOKEN' | '`gh auth token`';
}

const GH_TIMEOUT_MS = 10_000;

/** The token `gh auth token` prints; undefined when gh is not installed, not logged in, or fails. */
export async function ghAuthToken(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  // Loaded when asked: most runs never need gh, and execa's import would slow every run's start-up.
  const { execa } = await import('execa');
  const result = await execa('gh', ['auth', 'token'], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: GH_TIMEOUT_MS,
  });
  const token = result.exitCode === 0 ? result.stdout.trim() : '';
  return token === '' ? undefined : token;
}

/** The first token found; undefined when there is none (the pull request is then skipped). */
export async function findGitHubToken(
  env: Readonly<Record<string, string | undefined>>,
  fromGh: (env: Readonly<Record<string, string | undefined>>) => Promise<string | undefined> = ghAuthToken,
): Promise<FoundToken | undefined> {
  for (const source of ['GITHUB_TOKEN', 'GH_TOKEN'] as const) {
    const token = env[source]?.trim();
    if (token !== undefined && token !== '') return { token, source };
  }
  const token = await fromGh(env);
  return token === undefined ? undefined : { token, source: '`gh auth token`' };
}

/** The REST API base: GITHUB_API_URL when set, else github.com's, else a GitHub Enterprise host's `/api/v3`. */
export function apiBaseFor(host: string, env: Readonly<Record<string, string | undefined>>): string {
  const configured = env.GITHUB_API_URL?.trim();
  if (configured !== undefined && configured !== '') return configured.replace(/\/+$/, '');
  return host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
}
