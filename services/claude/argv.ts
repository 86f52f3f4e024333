// The argv and environment of one `claude -p` process (docs/claude-cli.md §1, §2).
import { Buffer } from 'node:buffer';
import { portEnv } from '../story-port.js';

export type AgentRole = 'planner' | 'story' | 'critic' | 'surgeon' | 'resolver';

export type PermissionMode = 'default' | 'manual' | 'acceptEdits' | 'auto' | 'dontAsk' | 'plan' | 'bypassPermissions';

export interface ClaudeArgvOptions {
  readonly prompt: string;
  readonly model: string;
  /** A new UUID for a fresh session, or the id to continue when `resume` is set. */
  readonly sessionId: string;
  readonly resume?: boolean | undefined;
  readonly maxTurns?: number | undefined;
  /** `--max-budget-usd`: the turn ends with `error_max_budget_usd` past this estimated cost. */
  readonly maxBudgetUsd?: number | undefined;
  readonly permissionMode?: PermissionMode | undefined;
  /** Wins over `permissionMode`: every check is bypassed. */
  readonly skipPermissions?: boolean | undefined;
  /** Permission rules such as `Bash(npm test:*)`. */
  readonly allowedTools?: readonly string[] | undefined;
  /** The built-in tool set (`--tools`); undefined keeps the CLI's default, which has no Grep or Glob. */
  readonly tools?: readonly string[] | undefined;
  readonly appendSystemPromptFile?: string | undefined;
  readonly fallbackModel?: string | undefined;
  /** JSON Schema for structured output (`result.structured_output`). */
  readonly jsonSchema?: Readonly<Record<string, unknown>> | undefined;
  /** `--input-format stream-json`: the prompt is the first stdin line and stdin stays open for live messages (docs/claude-cli.md §9). */
  readonly liveInput?: boolean | undefined;
}

export interface ClaudeArgv {
  readonly args: readonly string[];
  /** The prompt to write on stdin when it is too large for argv; undefined when it is in `args`. */
  readonly stdinPrompt: string | undefined;
}

/**
 * Linux caps one argv string at 128 KiB (MAX_ARG_STRLEN); above ~100 KiB the prompt goes on stdin instead,
 * which `-p` reads when no positional prompt is given.
 */
export const MAX_ARGV_PROMPT_BYTES = 100 * 1024;

/**
 * List flags use the `--flag=value` form and the prompt comes last after `--`, so no variadic option can
 * swallow it (docs/claude-cli.md §1).
 * @example buildArgv({ prompt: 'Fix it', model: 'sonnet', sessionId }).args
 * // ['-p', '--output-format', 'stream-json', '--verbose', '--model', 'sonnet', '--session-id', sessionId, '--', 'Fix it']
 */
export function buildArgv(options: ClaudeArgvOptions): ClaudeArgv {
  const args = ['-p', '--output-format', 'stream-json', '--verbose', '--model', options.model];
  if (options.fallbackModel !== undefined) args.push('--fallback-model', options.fallbackModel);
  if (options.resume === true) args.push('--resume', options.sessionId);
  else args.push('--session-id', options.sessionId);
  if (options.maxTurns !== undefined) args.push('--max-turns', String(options.maxTurns));
  if (options.maxBudgetUsd !== undefined) args.push('--max-budget-usd', String(options.maxBudgetUsd));
  if (options.skipPermissions === true) args.push('--dangerously-skip-permissions');
  else if (options.permissionMode !== undefined) args.push('--permission-mode', options.permissionMode);
  if (options.tools !== undefined) args.push(`--tools=${options.tools.join(',')}`);
  if (options.allowedTools !== undefined && options.allowedTools.length > 0) {
    args.push(`--allowedTools=${options.allowedTools.join(',')}`);
  }
  if (options.appendSystemPromptFile !== undefined)
    args.push('--append-system-prompt-file', options.appendSystemPromptFile);
  if (options.jsonSchema !== undefined) args.push(`--json-schema=${JSON.stringify(options.jsonSchema)}`);
  // The prompt is written as the first stdin line by the session, whatever its size.
  if (options.liveInput === true) return { args: [...args, '--input-format', 'stream-json'], stdinPrompt: undefined };
  if (Buffer.byteLength(options.prompt, 'utf8') > MAX_ARGV_PROMPT_BYTES) return { args, stdinPrompt: options.prompt };
  args.push('--', options.prompt);
  return { args, stdinPrompt: undefined };
}

export interface ClaudeEnvOptions {
  /** The environment to start from (usually the parent's); it is copied, never changed. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Keep ANTHROPIC_API_KEY: bill the API key instead of the subscription. */
  readonly apiKeyMode?: boolean | undefined;
  readonly skipPermissions?: boolean | undefined;
  readonly runId: string;
  readonly role: AgentRole;
  readonly storyId?: string | undefined;
  /** The story's own port, as `PORT` and `BARO_PORT` (services/story-port.ts). */
  readonly port?: number | undefined;
}

/** A complete child environment (spawn it with `extendEnv: false`). */
export function buildEnv(options: ClaudeEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.baseEnv)) {
    if (value !== undefined) env[key] = value;
  }
  // When set, the API key wins over the subscription login (docs/claude-cli.md §2).
  if (options.apiKeyMode !== true) delete env['ANTHROPIC_API_KEY'];
  env['CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC'] = '1';
  env['DISABLE_AUTOUPDATER'] = '1';
  env['DISABLE_TELEMETRY'] = '1';
  env['DISABLE_ERROR_REPORTING'] = '1';
  // As root, bypass mode refuses to start unless the process declares a sandbox (docs/claude-cli.md §2).
  if (options.skipPermissions === true) env['IS_SANDBOX'] = '1';
  env['BARO_RUN_ID'] = options.runId;
  env['BARO_ROLE'] = options.role;
  // A story id inherited from an enclosing baro process would mislabel a planner or critic run.
  delete env['BARO_STORY_ID'];
  if (options.storyId !== undefined) env['BARO_STORY_ID'] = options.storyId;
  if (options.port !== undefined) Object.assign(env, portEnv(options.port));
  return env;
}

/** The agent executable: `BARO_CLAUDE_BIN` when set and non-empty, else `claude` on PATH. */
export function resolveClaudeBin(env: Readonly<Record<string, string | undefined>>): string {
  const bin = env['BARO_CLAUDE_BIN'];
  return bin === undefined || bin === '' ? 'claude' : bin;
}
