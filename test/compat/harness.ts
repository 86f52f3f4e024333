// baro driving the real claude against the fake Messages API: the environment, and what every claude process left.
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { inject } from 'vitest';
import type { StreamSummary } from '../../services/claude/parse.js';
import { createStreamParser } from '../../services/claude/parse.js';
import { classifyOutcome } from '../../services/claude/outcome.js';
import type { Outcome } from '../../services/claude/events.js';
import { isolatedGitEnv } from '../helpers/repo.js';
import type { FakeAnthropic } from '../fake-anthropic/server.js';

export interface RealClaude {
  /** For BARO_CLAUDE_BIN: a wrapper that records the call, then execs the real binary (same pid). */
  readonly bin: string;
  readonly logDir: string;
}

export interface Invocation {
  readonly pid: number;
  /** When the wrapper started, in nanoseconds since the epoch. */
  readonly started: bigint;
  readonly role: string;
  readonly storyId: string;
  readonly cwd: string;
  readonly args: readonly string[];
  readonly stderr: string;
}

const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** The wrapper around the real claude in `dir`; its stderr goes to a file per process, where tests read it. */
export async function realClaude(dir: string): Promise<RealClaude> {
  const logDir = join(dir, 'claude-log');
  await mkdir(logDir, { recursive: true });
  const bin = join(dir, 'claude');
  const script = [
    '#!/bin/sh',
    `log=${quote(logDir)}`,
    // Pids wrap around on a busy machine, so the start time in nanoseconds orders the calls.
    `printf '%s\\0' "$(date +%s%N)" "\${BARO_ROLE:-}" "\${BARO_STORY_ID:-}" "$PWD" "$@" > "$log/argv-$$"`,
    `exec ${quote(inject('claudeBin'))} "$@" 2> "$log/stderr-$$"`,
    '',
  ].join('\n');
  await writeFile(bin, script);
  await chmod(bin, 0o755);
  return { bin, logDir };
}

/** Everything baro needs to run the real claude against `api`, isolated from this machine's own login and config. */
export async function compatEnv(dir: string, api: FakeAnthropic, claude: RealClaude): Promise<Record<string, string>> {
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  return {
    ...(await isolatedGitEnv()),
    BARO_CLAUDE_BIN: claude.bin,
    BARO_HOME: join(dir, 'baro-home'),
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ANTHROPIC_BASE_URL: api.url,
    // A subscriber's token, so rate-limit events and the usage-limit texts are the subscription's (docs/claude-cli.md §10).
    CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-baro-compat-dummy-token',
    CLAUDE_CODE_MAX_RETRIES: '1',
    TZ: 'UTC',
    ...(process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {}),
  };
}

/** Every call of the wrapper so far (the `--version` check included), earliest first. */
export async function invocations(claude: RealClaude): Promise<Invocation[]> {
  const names = (await readdir(claude.logDir)).filter((name) => name.startsWith('argv-'));
  const calls = await Promise.all(
    names.map(async (name) => {
      const pid = Number(name.slice('argv-'.length));
      const [started = '', role = '', storyId = '', cwd = '', ...args] = (
        await readFile(join(claude.logDir, name), 'utf8')
      )
        .split('\0')
        .slice(0, -1);
      const stderr = await readFile(join(claude.logDir, `stderr-${pid}`), 'utf8').catch(() => '');
      return { pid, started: BigInt(started), role, storyId, cwd, args, stderr };
    }),
  );
  return calls.sort((a, b) => (a.started < b.started ? -1 : a.started > b.started ? 1 : 0));
}

/** Agent turns only: the preflight's `--version` and the Critic's reviews left out (their streams are checked too). */
export const agentTurns = (calls: readonly Invocation[]): Invocation[] =>
  calls.filter((call) => call.args[0] !== '--version' && call.role !== 'critic');

export interface StreamCheck {
  /** The raw log, relative to the run folder, e.g. `stories/S1/attempt-1.jsonl`. */
  readonly log: string;
  readonly lines: number;
  readonly malformed: readonly string[];
  readonly outcome: Outcome['kind'];
  readonly summary: StreamSummary;
}

async function jsonlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Every raw claude stream baro kept for the run (stories with their reviews, planner, Surgeon), parsed by baro's own
 * parser and classified by its own classifier; the exit code is the CLI's rule for a finished result
 * (docs/claude-cli.md §7).
 */
export async function checkStreams(runDir: string): Promise<StreamCheck[]> {
  const folders = await Promise.all(
    ['stories', 'planner', 'surgeon'].map((folder) => jsonlFiles(join(runDir, folder))),
  );
  const logs = folders.flat();
  return Promise.all(
    logs.map(async (path) => {
      const parser = createStreamParser();
      const malformed: string[] = [];
      for (const line of (await readFile(path, 'utf8')).split('\n')) {
        for (const event of parser.push(line)) if (event.type === 'malformed') malformed.push(event.reason);
      }
      const summary = parser.summary();
      const exitCode = summary.result === undefined ? undefined : summary.result.is_error ? 1 : 0;
      const exit = { exitCode, signal: undefined, stderr: '', aborted: false };
      const outcome = classifyOutcome(summary, exit).kind;
      return { log: relative(runDir, path), lines: summary.lines, malformed, outcome, summary };
    }),
  );
}

/** `{ 'stories/S1/attempt-1.jsonl': 'ok', … }`: how each kept stream classifies, for one toEqual. */
export const outcomesOf = (checks: readonly StreamCheck[]): Record<string, string> =>
  Object.fromEntries(checks.map((check) => [check.log, check.outcome]));
