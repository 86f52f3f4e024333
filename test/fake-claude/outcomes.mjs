// @ts-check
// The closing lines of a turn: success, max turns, budget, and the API failures of docs/claude-cli.md §5 and §6.
import { randomId, rateLimitLine, resultLine, syntheticErrorLine, systemLine } from './lines.mjs';

/** @typedef {import('./lines.mjs').LineContext} LineContext */
/** @typedef {import('./lines.mjs').Denial} Denial */
/**
 * @typedef {object} TurnStats
 * @property {number} toolRequests model requests answered with a tool call so far
 * @property {number | undefined} costUsd the script's fixed cost, if any
 * @property {readonly Denial[]} denials
 * @property {number} startedAt epoch ms
 */

const LIMIT_NAMES = new Map([
  ['five_hour', '5-hour limit'],
  ['seven_day', 'weekly limit'],
  ['seven_day_opus', 'Opus limit'],
  ['seven_day_sonnet', 'Sonnet limit'],
  ['seven_day_overage_included', 'Fable limit'],
  ['overage', 'usage credit limit'],
]);

/**
 * "You've hit your 5-hour limit · resets 7am (UTC)", localised to a time zone like the real text; the date is added
 * when the reset falls on another day than now in that zone ("resets Dec 1, 4am (UTC)").
 * @param {string} limitType @param {number} resetsAt epoch seconds
 * @param {{ now?: number, zone?: string }} [clock] now in epoch ms and an IANA zone; the process's own by default
 */
export function usageLimitText(limitType, resetsAt, clock = {}) {
  const zone = clock.zone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const reset = new Date(resetsAt * 1000);
  const time = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: zone })
    .format(reset)
    .replace(':00', '')
    .replace(/\s/g, '')
    .toLowerCase();
  // The year counts: a reset on 1 December of another year is not today.
  const calendarDay = new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    timeZone: zone,
  });
  const sameDay = calendarDay.format(reset) === calendarDay.format(new Date(clock.now ?? Date.now()));
  const date = sameDay
    ? ''
    : `${new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: zone }).format(reset)}, `;
  return `You've hit your ${LIMIT_NAMES.get(limitType) ?? 'usage limit'} · resets ${date}${time} (${zone})`;
}

/** @param {LineContext} ctx @param {TurnStats} stats @param {string} text @param {unknown} [structuredOutput] */
export function successLine(ctx, stats, text, structuredOutput) {
  const structured = structuredOutput !== undefined;
  return resultLine(ctx, {
    subtype: 'success',
    isError: false,
    numTurns: stats.toolRequests + 1,
    stopReason: structured ? 'tool_use' : 'end_turn',
    terminalReason: 'completed',
    requests: stats.toolRequests + (structured ? 0 : 1),
    costUsd: stats.costUsd,
    denials: stats.denials,
    startedAt: stats.startedAt,
    result: text,
    structuredOutput,
  });
}

/** @param {LineContext} ctx @param {TurnStats} stats @param {number} limit the `--max-turns` value */
export function maxTurnsLine(ctx, stats, limit) {
  return resultLine(ctx, {
    subtype: 'error_max_turns',
    isError: true,
    numTurns: stats.toolRequests + 1,
    stopReason: 'tool_use',
    terminalReason: 'max_turns',
    requests: stats.toolRequests,
    costUsd: stats.costUsd,
    denials: stats.denials,
    startedAt: stats.startedAt,
    errors: [`Reached maximum number of turns (${limit})`],
  });
}

/** @param {LineContext} ctx @param {TurnStats} stats @param {number} limitUsd */
export function budgetLine(ctx, stats, limitUsd) {
  return resultLine(ctx, {
    subtype: 'error_max_budget_usd',
    isError: true,
    numTurns: stats.toolRequests + 1,
    stopReason: 'tool_use',
    terminalReason: 'budget_exhausted',
    requests: stats.toolRequests,
    costUsd: stats.costUsd,
    denials: stats.denials,
    startedAt: stats.startedAt,
    errors: [`Reached maximum budget ($${limitUsd})`],
  });
}

/**
 * @param {LineContext} ctx @param {TurnStats} stats @param {string} text
 * @param {Record<string, unknown>} apiError `api_error_status` and the typed kind, copied onto the result
 */
function apiErrorResult(ctx, stats, text, apiError) {
  return resultLine(ctx, {
    subtype: 'success',
    isError: true,
    numTurns: stats.toolRequests + 1,
    stopReason: 'stop_sequence',
    terminalReason: 'api_error',
    requests: stats.toolRequests,
    costUsd: stats.costUsd,
    denials: stats.denials,
    startedAt: stats.startedAt,
    result: text,
    apiError,
  });
}

/**
 * A subscription usage limit: rejected rate_limit_event, synthetic assistant, result (docs/claude-cli.md §6).
 * @param {LineContext} ctx @param {TurnStats} stats @param {{ resetsAt: number, limitType: string }} limit
 */
export function usageLimitLines(ctx, stats, limit) {
  const info = {
    status: 'rejected',
    resetsAt: limit.resetsAt,
    rateLimitType: limit.limitType,
    overageStatus: 'rejected',
    overageDisabledReason: 'out_of_credits',
    isUsingOverage: false,
  };
  const windows =
    limit.limitType === 'seven_day'
      ? {
          five_hour: { utilization: 0.35, resetsAt: limit.resetsAt - 3600 },
          seven_day: { utilization: 1, resetsAt: limit.resetsAt, status: 'rejected' },
        }
      : {
          five_hour: { utilization: 1, resetsAt: limit.resetsAt, status: 'rejected' },
          seven_day: { utilization: 0.41, resetsAt: limit.resetsAt + 334800 },
        };
  const text = usageLimitText(limit.limitType, limit.resetsAt);
  const apiError = { api_error_status: 429, api_error_type: 'rate_limit_error', api_error: 'usage_limit_reached' };
  return [
    rateLimitLine(ctx, { ...info, unifiedWindows: windows }),
    syntheticErrorLine(ctx, text, {
      error: 'rate_limit',
      request_id: randomId('req_011'),
      api_error_status: 429,
      api_error: 'usage_limit_reached',
      api_error_params: { rate_limit_info: info },
      api_error_type: 'rate_limit_error',
    }),
    apiErrorResult(ctx, stats, text, apiError),
  ];
}

/** @param {number} status */
function apiFailure(status) {
  const temporary = 'This is a server-side issue, usually temporary — try again in a moment.';
  if (status === 429) {
    return {
      retryError: 'rate_limit',
      error: 'rate_limit',
      type: 'rate_limit_error',
      text: 'API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit',
    };
  }
  if (status === 529)
    return {
      retryError: 'overloaded',
      error: 'server_error',
      type: 'overloaded_error',
      text: `API Error: 529 Overloaded. ${temporary}`,
    };
  if (status >= 500)
    return {
      retryError: 'server_error',
      error: 'server_error',
      type: 'api_error',
      text: `API Error: ${status} Internal server error. ${temporary}`,
    };
  return {
    retryError: 'invalid_request',
    error: 'invalid_request',
    type: 'invalid_request_error',
    text: `API Error: ${status} Request rejected`,
  };
}

/**
 * A failing API: `retries` api_retry lines, then the synthetic assistant and the error result (docs/claude-cli.md §5).
 * @param {LineContext} ctx @param {TurnStats} stats @param {{ status: number, retries: number }} failure
 */
export function apiErrorLines(ctx, stats, failure) {
  const kind = apiFailure(failure.status);
  const retries = Array.from({ length: failure.retries }, (_, index) =>
    systemLine(ctx, 'api_retry', {
      attempt: index + 1,
      max_retries: failure.retries,
      retry_delay_ms: 500 * 2 ** index + 10,
      error_status: failure.status,
      error: kind.retryError,
    }),
  );
  const apiError = { api_error_status: failure.status, api_error_type: kind.type };
  return [
    ...retries,
    syntheticErrorLine(ctx, kind.text, { error: kind.error, request_id: randomId('req_011'), ...apiError }),
    apiErrorResult(ctx, stats, kind.text, apiError),
  ];
}

/**
 * Not logged in: synthetic assistant `authentication_failed`, then the result (not-logged-in.jsonl).
 * @param {LineContext} ctx @param {TurnStats} stats
 */
export function authLines(ctx, stats) {
  const text = 'Not logged in · Please run /login';
  return [syntheticErrorLine(ctx, text, { error: 'authentication_failed' }), apiErrorResult(ctx, stats, text, {})];
}
