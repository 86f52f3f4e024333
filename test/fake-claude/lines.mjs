// @ts-check
// Builders of claude 2.1.332 stream-json lines, field for field as in test/fixtures/claude/*.jsonl.
import { randomInt, randomUUID } from 'node:crypto';

export const CLI_VERSION = '2.1.332';

/** @typedef {{ sessionId: string, model: string }} LineContext */
/** @typedef {{ tool_name: string, tool_use_id: string, tool_input: Record<string, unknown> }} Denial */

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Ids like the real ones: `toolu_01…`, `msg_01…`, `req_011…` followed by 22 random alphanumerics.
 * @param {string} prefix
 */
export function randomId(prefix) {
  let id = prefix;
  for (let i = 0; i < 22; i += 1) id += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return id;
}

/** The usage the CLI copies from `message_start` onto every assistant line (not final). */
const REQUEST_USAGE = {
  input_tokens: 6,
  cache_creation_input_tokens: 1300,
  cache_read_input_tokens: 14000,
  cache_creation: { ephemeral_5m_input_tokens: 1300, ephemeral_1h_input_tokens: 0 },
  output_tokens: 1,
  service_tier: 'standard',
};
const OUTPUT_TOKENS_PER_REQUEST = 80;

/** @param {LineContext} ctx */
function envelope(ctx) {
  return {
    parent_tool_use_id: null,
    session_id: ctx.sessionId,
    uuid: randomUUID(),
    timestamp: new Date().toISOString(),
  };
}

/**
 * @param {LineContext} ctx
 * @param {{ cwd: string, tools: readonly string[], permissionMode: string, apiKeySource: string }} init
 */
export function initLine(ctx, init) {
  return {
    type: 'system',
    subtype: 'init',
    cwd: init.cwd,
    session_id: ctx.sessionId,
    tools: init.tools,
    mcp_servers: [],
    model: ctx.model,
    permissionMode: init.permissionMode,
    slash_commands: ['debug', 'code-review', 'simplify', 'compact', 'context', 'init', 'model', 'review', 'usage'],
    apiKeySource: init.apiKeySource,
    claude_code_version: CLI_VERSION,
    output_style: 'default',
    agents: ['claude', 'Explore', 'general-purpose', 'Plan', 'statusline-setup'],
    skills: [],
    plugins: [],
    analytics_disabled: true,
    product_feedback_disabled: true,
    served_by_anthropic: true,
    uuid: randomUUID(),
    sandbox_enabled: false,
    original_cwd: init.cwd,
    additional_directories: [],
    fast_mode_state: 'off',
    fast_mode_disabled_reason: 'sdk_opt_in_required',
    per_turn_effort_active: true,
    view_mode: 'default',
  };
}

/**
 * One content block of a model response; blocks of one request share `messageId` and `requestId`.
 * @param {LineContext} ctx
 * @param {{ messageId: string, requestId: string }} request
 * @param {Record<string, unknown>} block
 */
export function assistantLine(ctx, request, block) {
  const message = {
    id: request.messageId,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: [block],
    stop_reason: null,
    stop_sequence: null,
    usage: REQUEST_USAGE,
    context_management: null,
  };
  return { type: 'assistant', message, ...envelope(ctx), request_id: request.requestId };
}

/**
 * @param {LineContext} ctx
 * @param {string} toolUseId
 * @param {{ content: string, isError: boolean, toolUseResult: unknown, rejected?: boolean }} result
 */
export function toolResultLine(ctx, toolUseId, result) {
  const block = result.isError
    ? { type: 'tool_result', content: result.content, is_error: true, tool_use_id: toolUseId }
    : { tool_use_id: toolUseId, type: 'tool_result', content: result.content };
  const meta =
    result.rejected === true
      ? {
          id: toolUseId,
          non_execution_kind: 'user-rejected',
          permission_decision: { decision: 'reject', source: 'config' },
        }
      : { id: toolUseId, permission_decision: { decision: 'accept', source: 'config', reason_type: 'mode' } };
  return {
    type: 'user',
    message: { role: 'user', content: [block] },
    ...envelope(ctx),
    tool_use_result: result.toolUseResult,
    tool_result_meta: [meta],
  };
}

/** @param {LineContext} ctx @param {string} text */
export function interruptedLine(ctx, text) {
  return { type: 'user', message: { role: 'user', content: [{ type: 'text', text }] }, ...envelope(ctx) };
}

/** @param {LineContext} ctx @param {string} subtype @param {Record<string, unknown>} fields */
export function systemLine(ctx, subtype, fields) {
  return { type: 'system', subtype, ...fields, session_id: ctx.sessionId, uuid: randomUUID() };
}

/** @param {LineContext} ctx @param {Record<string, unknown>} info */
export function rateLimitLine(ctx, info) {
  return { type: 'rate_limit_event', rate_limit_info: info, uuid: randomUUID(), session_id: ctx.sessionId };
}

const ZERO_MESSAGE_USAGE = {
  output_tokens_details: null,
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
  service_tier: null,
  cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
  inference_geo: null,
  iterations: null,
  speed: null,
  fallback_credit: null,
};

/**
 * The assistant message the CLI itself writes for an API failure (`model: "<synthetic>"`).
 * @param {LineContext} ctx
 * @param {string} text
 * @param {Record<string, unknown>} fields `error`, `api_error_status`, `api_error`, … on the line itself
 */
export function syntheticErrorLine(ctx, text, fields) {
  const message = {
    diagnostics: null,
    id: randomUUID(),
    container: null,
    model: '<synthetic>',
    role: 'assistant',
    stop_details: null,
    stop_reason: 'stop_sequence',
    stop_sequence: '',
    type: 'message',
    usage: ZERO_MESSAGE_USAGE,
    content: [{ type: 'text', text }],
    context_management: null,
  };
  return { type: 'assistant', message, ...envelope(ctx), is_api_error_message: true, ...fields };
}

/** @param {number} requests completed model requests */
function usageTotals(requests) {
  const cacheCreation = REQUEST_USAGE.cache_creation_input_tokens * requests;
  return {
    input_tokens: REQUEST_USAGE.input_tokens * requests,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: REQUEST_USAGE.cache_read_input_tokens * requests,
    output_tokens: OUTPUT_TOKENS_PER_REQUEST * requests,
    output_tokens_details: { thinking_tokens: 0 },
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
    service_tier: 'standard',
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: cacheCreation },
    inference_geo: '',
    iterations: [],
    speed: 'standard',
    fallback_credit: null,
  };
}

/** @param {string} model @param {ReturnType<typeof usageTotals>} usage @param {number} costUsd */
function modelUsage(model, usage, costUsd) {
  return {
    [model]: {
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
      cacheReadInputTokens: usage.cache_read_input_tokens,
      cacheCreationInputTokens: usage.cache_creation_input_tokens,
      webSearchRequests: 0,
      costUSD: costUsd,
      contextWindow: 1000000,
      maxOutputTokens: 128000,
      thinkingTokens: 0,
      cacheCreationEphemeral5mInputTokens: usage.cache_creation_input_tokens,
      cacheCreationEphemeral1hInputTokens: 0,
      canonicalModel: model,
      provider: 'firstParty',
      costBasis: 'list',
    },
  };
}

/**
 * @typedef {object} ResultSpec
 * @property {string} subtype
 * @property {boolean} isError
 * @property {number} numTurns
 * @property {string | null} stopReason
 * @property {string} terminalReason
 * @property {number} requests completed model requests, for usage and the default cost
 * @property {number | undefined} costUsd
 * @property {readonly Denial[]} denials
 * @property {number} startedAt epoch ms
 * @property {string} [result] success subtype only
 * @property {readonly string[]} [errors] error subtypes only
 * @property {Record<string, unknown>} [apiError] `api_error_status`, `api_error_type`, `api_error`
 * @property {unknown} [structuredOutput]
 */

/** @param {LineContext} ctx @param {ResultSpec} spec */
export function resultLine(ctx, spec) {
  const usage = usageTotals(spec.requests);
  const cost = spec.costUsd ?? Math.round(spec.requests * 5000) / 1e6;
  const models = spec.requests === 0 && spec.costUsd === undefined ? {} : modelUsage(ctx.model, usage, cost);
  const outcome =
    spec.subtype === 'success'
      ? { api_error_status: null, ...spec.apiError, result: spec.result ?? '' }
      : { errors: spec.errors ?? [] };
  const structured = spec.structuredOutput === undefined ? {} : { structured_output: spec.structuredOutput };
  return {
    duration_api_ms: 40 * spec.requests,
    stop_reason: spec.stopReason,
    session_id: ctx.sessionId,
    total_cost_usd: cost,
    usage,
    modelUsage: models,
    permission_denials: spec.denials,
    terminal_reason: spec.terminalReason,
    fast_mode_state: 'off',
    fast_mode_disabled_reason: 'sdk_opt_in_required',
    safety_stops: 0,
    is_error: spec.isError,
    num_turns: spec.numTurns,
    subtype: spec.subtype,
    ...outcome,
    ...structured,
    type: 'result',
    duration_ms: Date.now() - spec.startedAt,
    uuid: randomUUID(),
    queued_turn_count: 0,
    result_index: 0,
    model_usage_since_last_result: models,
  };
}

/** The single line of a startup failure such as an unknown `--resume` id. @param {string} sessionId @param {string} error */
export function startupFailureLine(sessionId, error) {
  return {
    type: 'result',
    subtype: 'error_during_execution',
    duration_ms: 0,
    duration_api_ms: 0,
    is_error: true,
    num_turns: 0,
    stop_reason: null,
    session_id: sessionId,
    total_cost_usd: 0,
    usage: usageTotals(0),
    modelUsage: {},
    permission_denials: [],
    uuid: randomUUID(),
    errors: [error],
    result_index: 0,
  };
}
