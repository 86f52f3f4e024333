// The checks behind `baro doctor`: what a run needs from this machine and repository. Results only, no printing.
import { parseGitHubRemote, redactRemoteUrl } from './github-remote.js';
import {
  atLeast,
  describeProbeFailure,
  firstLine,
  nonEmpty,
  parseVersion,
  probe,
  PROBE_TIMEOUT_MS,
} from './doctor-probe.js';
import type { ProbeResult } from './doctor-probe.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export type CheckId = 'node' | 'git' | 'repo' | 'claude' | 'login' | 'github-token' | 'origin';

export interface Check {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

export interface DoctorInput {
  /** Directory baro would run in. */
  readonly cwd: string;
  /** Environment for the probed commands and for the token and login hints. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Agent executable: BARO_CLAUDE_BIN, else `claude`. */
  readonly claudeBin: string;
  /** Version of the Node.js running baro (`process.versions.node`). */
  readonly nodeVersion: string;
}

export const MIN_NODE_VERSION = '20.19.0';
export const MIN_GIT_VERSION = '2.17.0';
/** The Claude Code release baro's compatibility lane drives; older ones lack flags baro passes. */
export const TESTED_CLAUDE_VERSION = '2.1.332';
// Pinned: on Node 20 the unpinned package resolves to an older release that baro does not drive.
const CLAUDE_PACKAGE = `@anthropic-ai/claude-code@${TESTED_CLAUDE_VERSION}`;
const INSTALL_CLAUDE = `install Claude Code: npm i -g ${CLAUDE_PACKAGE}, then \`claude\` to log in, or set BARO_CLAUDE_BIN`;

/** Runs every check (subprocesses concurrently); the order of the result is stable. */
export async function runDoctorChecks(input: DoctorInput): Promise<Check[]> {
  const [git, [repo, origin], claude, token] = await Promise.all([
    checkGit(input),
    checkRepoAndOrigin(input),
    checkClaude(input),
    checkGitHubToken(input),
  ]);
  return [checkNode(input.nodeVersion), git, repo, claude, checkLogin(input.env, claude), token, origin];
}

function checkNode(nodeVersion: string): Check {
  const version = parseVersion(nodeVersion);
  const ok = version !== undefined && atLeast(version, MIN_NODE_VERSION);
  return ok
    ? { id: 'node', title: 'Node.js', status: 'ok', detail: `v${nodeVersion.replace(/^v/, '')}` }
    : {
        id: 'node',
        title: 'Node.js',
        status: 'fail',
        detail: `v${nodeVersion.replace(/^v/, '')} is older than ${MIN_NODE_VERSION}`,
        fix: 'install Node 20.19 or newer',
      };
}

async function checkGit(input: DoctorInput): Promise<Check> {
  const base = { id: 'git', title: 'git' } as const;
  const result = await probe('git', ['--version'], input);
  if (result.outcome !== 'ok') {
    return {
      ...base,
      status: 'fail',
      detail: describeProbeFailure('git --version', result),
      fix: 'install git 2.17 or newer',
    };
  }
  const version = parseVersion(result.stdout);
  if (version === undefined || !atLeast(version, MIN_GIT_VERSION)) {
    return {
      ...base,
      status: 'fail',
      detail: `${result.stdout} is older than ${MIN_GIT_VERSION} (worktree remove)`,
      fix: 'install git 2.17 or newer',
    };
  }
  return { ...base, status: 'ok', detail: result.stdout };
}

async function checkRepoAndOrigin(input: DoctorInput): Promise<[Check, Check]> {
  const repoBase = { id: 'repo', title: 'git repository' } as const;
  const originBase = { id: 'origin', title: 'origin remote' } as const;
  const top = await probe('git', ['rev-parse', '--show-toplevel'], input);
  if (top.outcome !== 'ok') {
    const repo: Check = {
      ...repoBase,
      status: 'fail',
      detail:
        top.outcome === 'missing'
          ? 'git is not installed'
          : `${input.cwd} is not inside a git working tree (${firstLine(top.stderr)})`,
      fix: 'run baro inside the repository it should change (or `git init` one)',
    };
    return [repo, { ...originBase, status: 'warn', detail: 'not checked: no git repository' }];
  }
  const remote = await probe('git', ['config', '--get', 'remote.origin.url'], input);
  return [
    { ...repoBase, status: 'ok', detail: top.stdout },
    { ...originBase, ...originStatus(remote, input.env) },
  ];
}

function originStatus(remote: ProbeResult, env: DoctorInput['env']): Pick<Check, 'status' | 'detail' | 'fix'> {
  if (remote.outcome !== 'ok' || remote.stdout === '') {
    return {
      status: 'warn',
      detail: 'no origin remote: baro will keep the branch local',
      fix: 'git remote add origin <url> to push and open a PR',
    };
  }
  const parsed = parseGitHubRemote(remote.stdout);
  if (parsed === undefined) {
    return {
      status: 'warn',
      detail: `origin ${redactRemoteUrl(remote.stdout)} is not a GitHub OWNER/REPO URL: baro will push but open no PR`,
      fix: 'use https://github.com/OWNER/REPO, git@github.com:OWNER/REPO or ssh://git@host/OWNER/REPO',
    };
  }
  const where = `${parsed.host}/${parsed.owner}/${parsed.repo}`;
  const apiUrl = nonEmpty(env['GITHUB_API_URL']);
  if (parsed.host !== 'github.com' && apiUrl === undefined) {
    return {
      status: 'warn',
      detail: `${where}: PRs go to api.github.com for ${parsed.owner}/${parsed.repo}`,
      fix: `set GITHUB_API_URL if ${parsed.host} is a GitHub Enterprise server`,
    };
  }
  return { status: 'ok', detail: apiUrl === undefined ? where : `${where} (API ${apiUrl})` };
}

/** Whether the agent executable runs and answers `--version` (also the run's preflight). */
export async function checkClaude(input: Pick<DoctorInput, 'cwd' | 'env' | 'claudeBin'>): Promise<Check> {
  const base = { id: 'claude', title: 'Claude Code' } as const;
  const bin = input.claudeBin;
  const result = await probe(bin, ['--version'], input);
  switch (result.outcome) {
    case 'missing':
      return { ...base, status: 'fail', detail: `${bin} not found`, fix: INSTALL_CLAUDE };
    case 'not-executable':
      return {
        ...base,
        status: 'fail',
        detail: `${bin} is not executable`,
        fix: `chmod +x ${bin}, or ${INSTALL_CLAUDE}`,
      };
    case 'timed-out':
      return {
        ...base,
        status: 'fail',
        detail: `\`${bin} --version\` gave no answer within ${PROBE_TIMEOUT_MS / 1000} s`,
        fix: `run \`${bin} --version\` yourself to see what it waits for`,
      };
    case 'failed': {
      const stubOnly = result.stderr.includes('native binary not installed');
      const fix = stubOnly
        ? `reinstall Claude Code without --ignore-scripts: npm i -g ${CLAUDE_PACKAGE}`
        : INSTALL_CLAUDE;
      return { ...base, status: 'fail', detail: describeProbeFailure(`${bin} --version`, result), fix };
    }
    case 'ok': {
      const text = firstLine(result.stdout);
      const version = /^\d+\.\d+\.\d+/.test(text) ? parseVersion(text) : undefined;
      if (version === undefined) {
        return {
          ...base,
          status: 'warn',
          detail: `\`${bin} --version\` printed "${text}", not a Claude Code version`,
          fix: 'check that BARO_CLAUDE_BIN points at Claude Code',
        };
      }
      if (!atLeast(version, TESTED_CLAUDE_VERSION)) {
        return {
          ...base,
          status: 'warn',
          detail: `${text} (${bin}) is older than ${TESTED_CLAUDE_VERSION}, the release baro is tested with`,
          fix: `update Claude Code: npm i -g ${CLAUDE_PACKAGE}`,
        };
      }
      return { ...base, status: 'ok', detail: `${text} (${bin})` };
    }
  }
}

// The login is Claude Code's: without a working `claude` there is nothing to vouch for.
function checkLogin(env: DoctorInput['env'], claude: Check): Check {
  const base = { id: 'login', title: 'login' } as const;
  if (claude.status === 'fail') {
    return { ...base, status: 'warn', detail: 'unknown until Claude Code runs (see the check above)' };
  }
  if (nonEmpty(env['ANTHROPIC_API_KEY']) !== undefined) {
    return {
      ...base,
      status: 'warn',
      detail:
        'ANTHROPIC_API_KEY is set: it overrides your subscription; baro removes it from agent processes unless API-key mode is configured',
    };
  }
  if (nonEmpty(env['CLAUDE_CODE_OAUTH_TOKEN']) !== undefined) {
    return { ...base, status: 'ok', detail: 'subscription token in CLAUDE_CODE_OAUTH_TOKEN' };
  }
  return {
    ...base,
    status: 'ok',
    detail: 'agents use your Claude Code login (run `claude` once to log in if you have not)',
  };
}

// Reports where a token was found, never the token.
async function checkGitHubToken(input: DoctorInput): Promise<Check> {
  const base = { id: 'github-token', title: 'GitHub token' } as const;
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN'] as const) {
    if (nonEmpty(input.env[name]) !== undefined) {
      return { ...base, status: 'ok', detail: `found in ${name}` };
    }
  }
  const gh = await probe('gh', ['auth', 'token'], input);
  if (gh.outcome === 'ok' && gh.stdout !== '') {
    return { ...base, status: 'ok', detail: 'found with `gh auth token`' };
  }
  const detail =
    gh.outcome === 'missing'
      ? 'none in GITHUB_TOKEN or GH_TOKEN, and no gh CLI'
      : 'none in GITHUB_TOKEN or GH_TOKEN, and gh has none';
  return {
    ...base,
    status: 'warn',
    detail: `${detail}: PRs will be skipped`,
    fix: 'set GITHUB_TOKEN (or run `gh auth login`)',
  };
}
