// Reads OWNER/REPO out of a git remote URL, in the forms docs/cli.md "Environment" lists.

export interface GitHubRemote {
  /** Host name without user or port, e.g. `github.com` or a GitHub Enterprise host. */
  readonly host: string;
  readonly owner: string;
  readonly repo: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const REPO = /^[A-Za-z0-9._-]+$/;
// scp-like syntax: [user@]host:path, where the host has no slash and the path does not start with one.
const SCP = /^(?:[^@/:]+@)?([^@/:]+):(?!\/)(.+)$/;
const URL_SCHEMES = new Set(['https:', 'http:', 'ssh:', 'git+ssh:', 'ssh+git:', 'git:']);

/**
 * Parses `https://github.com/OWNER/REPO(.git)`, `git@github.com:OWNER/REPO(.git)` and
 * `ssh://git@host(:port)/OWNER/REPO(.git)`; undefined for anything else (local paths, nested groups).
 * @example parseGitHubRemote('git@github.com:acme/api.git') // { host: 'github.com', owner: 'acme', repo: 'api' }
 */
export function parseGitHubRemote(url: string): GitHubRemote | undefined {
  const trimmed = url.trim();
  if (trimmed.includes('://')) {
    return parseUrlForm(trimmed);
  }
  const scp = SCP.exec(trimmed);
  return scp?.[1] !== undefined && scp[2] !== undefined ? fromPath(scp[1], scp[2]) : undefined;
}

/** The URL without user name or password, safe to print (https remotes sometimes embed a token). */
export function redactRemoteUrl(url: string): string {
  if (!url.includes('://')) {
    return url;
  }
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined) {
    return '<unparseable URL>';
  }
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

function parseUrlForm(url: string): GitHubRemote | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || !URL_SCHEMES.has(parsed.protocol) || parsed.hostname === '') {
    return undefined;
  }
  return fromPath(parsed.hostname, parsed.pathname);
}

function fromPath(host: string, path: string): GitHubRemote | undefined {
  const segments = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (segments.length !== 2) {
    return undefined;
  }
  const [owner = '', repoWithSuffix = ''] = segments;
  const repo = repoWithSuffix.endsWith('.git') ? repoWithSuffix.slice(0, -'.git'.length) : repoWithSuffix;
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') {
    return undefined;
  }
  return { host: host.toLowerCase(), owner, repo };
}
