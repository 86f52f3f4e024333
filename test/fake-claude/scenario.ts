// Types and helpers for tests that script the fake `claude` (claude.mjs) and read its invocation log.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Absolute path of the fake executable; pass it as `bin` / `BARO_CLAUDE_BIN`. */
export const fakeClaudePath = fileURLToPath(new URL('./claude.mjs', import.meta.url));

/** One scripted action, performed for real in the process cwd; paths are relative to it. */
export type FakeStep =
  | { readonly write: string; readonly content: string }
  | { readonly edit: string; readonly old: string; readonly new: string }
  /** Reported as an Edit tool call. */
  | { readonly append: string; readonly content: string }
  /** Run with /bin/sh in the cwd; a non-zero exit is an error tool_result. */
  | { readonly bash: string }
  | { readonly read: string }
  /** A regular expression searched in the cwd's files (not .git or node_modules); reports matching files. */
  | { readonly grep: string }
  /** Assistant text, no tool. */
  | { readonly say: string }
  | { readonly sleep: number }
  /**
   * A Bash call that lasts until a live message is written on stdin (stream-json input), or this many ms pass; the
   * message is then folded into the next request. Without stream-json input it ends at once.
   */
  | { readonly awaitMessage: number }
  /** The process kills itself with this signal: no result line. SIGTERM is handled as the real CLI does: exit 143. */
  | { readonly die: NodeJS.Signals }
  /** A permission denial of this tool; `command` for Bash, `path` for Edit/Write/Read. */
  | { readonly deny: string; readonly command?: string; readonly path?: string; readonly message?: string };

/** How the turn ends. `success` is the default; the text defaults to the last `say`, else "Done.". */
export type FakeResult =
  /** With `--json-schema`, `structuredOutput` is delivered through the StructuredOutput tool; without, as text. */
  | { readonly type: 'success'; readonly text?: string; readonly structuredOutput?: unknown }
  | { readonly type: 'max_turns' }
  | { readonly type: 'budget'; readonly limitUsd?: number }
  /** `resetsAt` in epoch seconds; `limitType` defaults to `five_hour`. */
  | { readonly type: 'usage_limit'; readonly resetsAt: number; readonly limitType?: string }
  /** 429 (API key), 5xx or 529; `retries` api_retry lines first (default 2). */
  | { readonly type: 'api_error'; readonly status: number; readonly retries?: number }
  | { readonly type: 'auth' };

/**
 * Every given field must equal; `attempt` is 1 + the earlier invocations logged with the same BARO_STORY_ID (the
 * Critic's left out), `turn` is 1 + the earlier invocations of the same session (its first turn and each `--resume`),
 * `call` is 1 + the earlier invocations with the same BARO_STORY_ID and BARO_ROLE (a story's review rounds).
 *
 * A Critic invocation (BARO_ROLE=critic) only takes scripts whose `role` is `critic`; when none matches it answers
 * a passing verdict, so scenarios written for story agents need no Critic scripts.
 */
export interface FakeMatch {
  readonly storyId?: string;
  readonly role?: string;
  readonly resume?: boolean;
  readonly attempt?: number;
  readonly turn?: number;
  readonly call?: number;
}

export interface FakeScript {
  /** Absent: matches every invocation. The first matching script of the scenario wins. */
  readonly match?: FakeMatch;
  readonly steps?: readonly FakeStep[];
  readonly result?: FakeResult;
  /** Delay before each step. */
  readonly stepDelayMs?: number;
  /** Delay before the init line. */
  readonly startDelayMs?: number;
  /** `total_cost_usd` of the result; default 0.005 per completed model request. */
  readonly costUsd?: number;
  /** The answer of a turn run for a message that arrived too late to be folded (default "Noted."). */
  readonly extraTurnText?: string;
  /** The `rate_limit_event` a subscriber gets after the first request (default `allowed`). */
  readonly rateLimit?: {
    readonly status?: 'allowed' | 'allowed_warning';
    readonly utilization?: number;
    readonly resetsAt?: number;
    /** The reset this many seconds after the agent starts, when no `resetsAt` is given. */
    readonly resetsInSeconds?: number;
  };
}

export interface FakeScenario {
  readonly scripts: readonly FakeScript[];
}

export interface FakeClaudeSetup {
  readonly bin: string;
  readonly scenarioPath: string;
  readonly logPath: string;
  readonly stateDir: string;
  /** Add these to the environment the fake runs in. */
  readonly env: Readonly<Record<string, string>>;
}

/** Writes the scenario as JSON into `dir` and returns its path. */
export function writeScenario(dir: string, scenario: FakeScenario): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'fake-claude-scenario.json');
  writeFileSync(path, `${JSON.stringify(scenario, null, 2)}\n`);
  return path;
}

/** A scenario, log and session registry in `dir`, and the environment that points the fake at them. */
export function setupFakeClaude(dir: string, scenario: FakeScenario): FakeClaudeSetup {
  const scenarioPath = writeScenario(dir, scenario);
  const logPath = join(dir, 'fake-claude-log.jsonl');
  const stateDir = join(dir, 'fake-claude-state');
  const env = {
    BARO_FAKE_CLAUDE_SCENARIO: scenarioPath,
    BARO_FAKE_CLAUDE_LOG: logPath,
    BARO_FAKE_CLAUDE_STATE: stateDir,
  };
  return { bin: fakeClaudePath, scenarioPath, logPath, stateDir, env };
}

const startRecord = z.object({
  event: z.literal('start'),
  pid: z.number(),
  argv: z.array(z.string()),
  cwd: z.string(),
  env: z.object({
    BARO_RUN_ID: z.string().optional(),
    BARO_ROLE: z.string().optional(),
    BARO_STORY_ID: z.string().optional(),
    ANTHROPIC_API_KEY: z.boolean(),
  }),
  sessionId: z.string().optional(),
  ts: z.number(),
});
const endRecord = z.object({ event: z.literal('end'), pid: z.number(), exitCode: z.number(), ts: z.number() });
const messageRecord = z.object({
  event: z.literal('message'),
  pid: z.number(),
  uuid: z.string().optional(),
  text: z.string(),
  state: z.enum(['queued', 'started', 'completed', 'cancelled']),
  ts: z.number(),
});
/** The prompt of a session that read it from stream-json stdin. */
const promptRecord = z.object({
  event: z.literal('prompt'),
  pid: z.number(),
  text: z.string(),
  uuid: z.string().optional(),
});
const logRecord = z.discriminatedUnion('event', [startRecord, endRecord, messageRecord, promptRecord]);

/** One step of a live message through a fake process: queued when read, started when folded, completed. */
export type FakeMessageRecord = z.infer<typeof messageRecord>;

/** Every live-message record of the log, in order. */
export function readMessages(logPath: string): FakeMessageRecord[] {
  return readLog(logPath).flatMap((record) => (record.event === 'message' ? [record] : []));
}

function readLog(logPath: string): z.infer<typeof logRecord>[] {
  let text: string;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  // The last line is still being written when it has no newline yet: it is read next time.
  return text
    .split('\n')
    .slice(0, -1)
    .flatMap((line, index) => {
      if (line.trim() === '') return [];
      const parsed = logRecord.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`Invalid record on line ${index + 1} of ${logPath}: ${parsed.error.message}`);
      return [parsed.data];
    });
}

export interface FakeInvocation {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: z.infer<typeof startRecord>['env'];
  /** The session the run used: `--session-id`, `--resume`, or the one the fake made up. */
  readonly sessionId: string | undefined;
  readonly startTs: number;
  /** Absent when the process died by a signal it did not handle (no end record). */
  readonly endTs: number | undefined;
  readonly exitCode: number | undefined;
  /** The prompt read from stream-json stdin, when it was not in argv. */
  readonly stdinPrompt: string | undefined;
  /** The `uuid` of that stdin line, which makes the CLI report the message's lifecycle (docs/claude-cli.md §11a). */
  readonly stdinPromptUuid: string | undefined;
}

/** The fake's invocations in start order, start and end paired by pid; a log not written yet means none. */
export function readInvocations(logPath: string): FakeInvocation[] {
  const invocations: FakeInvocation[] = [];
  const open = new Map<number, number>();
  for (const record of readLog(logPath)) {
    if (record.event === 'message') continue;
    if (record.event === 'start') {
      open.set(record.pid, invocations.length);
      const { pid, argv, cwd, env, sessionId, ts } = record;
      const pending = {
        startTs: ts,
        endTs: undefined,
        exitCode: undefined,
        stdinPrompt: undefined,
        stdinPromptUuid: undefined,
      };
      invocations.push({ pid, argv, cwd, env, sessionId, ...pending });
      continue;
    }
    if (record.event === 'prompt') {
      const at = open.get(record.pid);
      const started = at === undefined ? undefined : invocations[at];
      if (at !== undefined && started !== undefined)
        invocations[at] = { ...started, stdinPrompt: record.text, stdinPromptUuid: record.uuid };
      continue;
    }
    const at = open.get(record.pid);
    const started = at === undefined ? undefined : invocations[at];
    if (at === undefined || started === undefined)
      throw new Error(`End record without a start for pid ${record.pid} in ${logPath}`);
    invocations[at] = { ...started, endTs: record.ts, exitCode: record.exitCode };
    open.delete(record.pid);
  }
  return invocations;
}

/**
 * The most processes alive at once. An invocation without an end record (killed) counts as alive until the
 * end of the log, so the number never understates.
 */
export function maxConcurrent(invocations: readonly FakeInvocation[]): number {
  // At equal timestamps an end sorts before a start: those two processes did not overlap.
  const edges = invocations
    .flatMap((inv) => [
      { ts: inv.startTs, delta: 1 },
      { ts: inv.endTs ?? Number.POSITIVE_INFINITY, delta: -1 },
    ])
    .sort((a, b) => a.ts - b.ts || a.delta - b.delta);
  let alive = 0;
  let max = 0;
  for (const edge of edges) {
    alive += edge.delta;
    max = Math.max(max, alive);
  }
  return max;
}

/** The value of `--flag value` or `--flag=value` in an invocation's argv (options before `--` only). */
export function argValue(invocation: FakeInvocation, flag: string): string | undefined {
  const end = invocation.argv.indexOf('--');
  const args = end === -1 ? invocation.argv : invocation.argv.slice(0, end);
  for (const [index, arg] of args.entries()) {
    if (arg === flag) return args[index + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/** The prompt an invocation was given: in argv (after `--`), else the first stream-json stdin line. */
export function promptOf(invocation: FakeInvocation): string | undefined {
  const end = invocation.argv.indexOf('--');
  return end === -1 ? invocation.stdinPrompt : invocation.argv[end + 1];
}

/** The invocations of agents that work (stories, resolvers, the planner): the Critic's reviews left out. */
export function agentInvocations(logPath: string): FakeInvocation[] {
  return readInvocations(logPath).filter((invocation) => invocation.env.BARO_ROLE !== 'critic');
}
