// Classifies one finished `claude` process into an Outcome (docs/claude-cli.md §5 outcomes, §6 usage limits).
import type { Outcome, PermissionDenial, RateLimitInfo } from './events.js';
import type { StreamSummary } from './parse.js';
import type { ResultMessage } from './schema.js';

/** How the process ended, as the session runner saw it. */
export interface ProcessExit {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  /** Bounded stderr; the only message an argv or startup error leaves. */
  readonly stderr: string;
  /** The caller cancelled the run (AbortSignal). */
  readonly aborted: boolean;
}

const LEGACY_LIMIT = /Claude AI usage limit reached\|(\d+)/;

// 2.1.x texts first, then the 2.0.x / 1.0.x wordings of docs/claude-cli.md §6.
const LIMIT_PREFIXES = [
  "You've hit your ",
  "You're out of usage credits",
  '5-hour limit reached',
  'Weekly limit reached',
  'Session limit reached',
  'Opus weekly limit reached',
  'Usage limit reached',
];

const AUTH_ERRORS = new Set([
  'authentication_failed',
  'oauth_org_not_allowed',
  'account_on_hold',
  'verification_required',
]);
// Typed api_error kinds that say the request never completed, so a later retry may succeed.
const TRANSIENT_API_ERRORS = new Set(['connection_failed', 'stream_idle_timeout', 'no_response']);

function isLimitText(text: string): boolean {
  const trimmed = text.trimStart();
  return LIMIT_PREFIXES.some((prefix) => trimmed.startsWith(prefix));
}

function usageLimit(text: string, info: RateLimitInfo | undefined): Outcome {
  if (info === undefined) return { kind: 'usage_limit', text };
  const outcome: { kind: 'usage_limit'; resetsAt?: number; limitKind?: string; text: string } = {
    kind: 'usage_limit',
    text,
  };
  if (info.resetsAt !== undefined) outcome.resetsAt = info.resetsAt;
  if (info.limitType !== undefined) outcome.limitKind = info.limitType;
  return outcome;
}

function legacyLimit(text: string): Outcome | undefined {
  const match = LEGACY_LIMIT.exec(text);
  return match?.[1] === undefined ? undefined : { kind: 'usage_limit', resetsAt: Number(match[1]), text };
}

function errorText(result: ResultMessage): string {
  return result.result ?? result.errors?.join('\n') ?? '';
}

function denials(result: ResultMessage): PermissionDenial[] {
  return result.permission_denials.map((denial) => ({
    tool: denial.tool_name,
    toolUseId: denial.tool_use_id,
    input: denial.tool_input,
  }));
}

function isStartupFailure(result: ResultMessage): boolean {
  if (result.startup_failure_reason !== undefined) return true;
  return result.num_turns === 0 && (result.errors?.length ?? 0) > 0;
}

function classifyError(result: ResultMessage, stream: StreamSummary): Outcome {
  const text = errorText(result);
  if (isStartupFailure(result)) return { kind: 'startup_failure', text };
  if (result.subtype === 'error_max_turns') return { kind: 'max_turns', text };
  if (result.subtype === 'error_max_budget_usd') return { kind: 'budget', text };
  const legacy = legacyLimit(text);
  if (legacy !== undefined) return legacy;
  // Needs credits for this model: waiting for a reset will not help, so it is not a usage limit.
  if (result.api_error === 'model_requires_usage_credits') return { kind: 'error', text };
  const status = result.api_error_status ?? null;
  const limited =
    result.api_error === 'usage_limit_reached' ||
    (status === 429 && stream.lastRejected !== undefined) ||
    isLimitText(text);
  if (limited) return usageLimit(text, stream.assistantRateLimit ?? stream.lastRejected);
  const assistantError = stream.assistantError;
  if (
    status === 401 ||
    (assistantError !== undefined && AUTH_ERRORS.has(assistantError)) ||
    text.startsWith('Not logged in')
  ) {
    return { kind: 'auth', text };
  }
  if (status === 429 || (status !== null && status >= 500)) return { kind: 'transient', status, text };
  if (typeof result.api_error === 'string' && TRANSIENT_API_ERRORS.has(result.api_error))
    return { kind: 'transient', status, text };
  return { kind: 'error', text };
}

function killed(exit: ProcessExit): Outcome {
  const outcome: { kind: 'killed'; signal?: string; exitCode?: number } = { kind: 'killed' };
  if (exit.signal !== undefined) outcome.signal = exit.signal;
  if (exit.exitCode !== undefined) outcome.exitCode = exit.exitCode;
  return outcome;
}

// An argv or startup error exits non-zero with empty stdout; stderr then holds the only explanation.
function classifyWithoutResult(stream: StreamSummary, exit: ProcessExit): Outcome {
  if (exit.signal !== undefined || exit.exitCode === undefined || exit.exitCode === 0 || stream.lines > 0)
    return killed(exit);
  const stderr = exit.stderr.trim();
  return {
    kind: 'startup_failure',
    text: stderr === '' ? `claude exited with code ${exit.exitCode} and printed nothing` : stderr,
  };
}

/**
 * Decides once, after the process ended, what the run amounts to. Only the `result` line is authoritative;
 * rate-limit events only supply the reset time (a `rejected` event can still be paid for by extra usage).
 */
export function classifyOutcome(stream: StreamSummary, exit: ProcessExit): Outcome {
  if (exit.aborted) return killed(exit);
  const result = stream.result;
  if (result === undefined) return classifyWithoutResult(stream, exit);
  if (result.is_error || result.subtype !== 'success') return classifyError(result, stream);
  if (exit.exitCode !== undefined && exit.exitCode !== 0) {
    return { kind: 'error', text: `claude exited with code ${exit.exitCode} after a successful result` };
  }
  const denied = denials(result);
  return denied.length > 0 ? { kind: 'denied', denials: denied } : { kind: 'ok' };
}

/** Classifies `--output-format text` output, which carries no reset time (docs/claude-cli.md §6). */
export function classifyText(text: string, exitCode: number): Outcome {
  const trimmed = text.trim();
  const legacy = legacyLimit(trimmed);
  if (legacy !== undefined) return legacy;
  if (isLimitText(trimmed)) return { kind: 'usage_limit', text: trimmed };
  if (exitCode === 0) return { kind: 'ok' };
  if (trimmed.startsWith('Error: Reached max turns')) return { kind: 'max_turns', text: trimmed };
  if (trimmed.startsWith('Not logged in')) return { kind: 'auth', text: trimmed };
  return { kind: 'error', text: trimmed };
}
