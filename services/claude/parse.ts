// A stateful stream-json line parser: one stdout line in, typed AgentEvents out; it never throws.
import type { z } from 'zod';
import type { AgentEvent, RateLimitInfo, ToolCall } from './events.js';
import {
  LIFECYCLE_STATES,
  apiRetrySchema,
  commandLifecycleSchema,
  assistantSchema,
  modelFallbackSchema,
  permissionDeniedSchema,
  rateLimitEventSchema,
  resultSchema,
  systemInitSchema,
  userSchema,
} from './schema.js';
import type { AssistantMessage, RateLimitInfoMessage, ResultMessage, UserMessage } from './schema.js';
import { toToolCall, toToolResult } from './tool-events.js';

/** What the outcome classifier needs from the whole stream (docs/claude-cli.md §6). */
export interface StreamSummary {
  readonly sessionId: string | undefined;
  /** The last `result` line; a multi-turn stream reports cumulative totals there. */
  readonly result: ResultMessage | undefined;
  /** The last `rate_limit_event` whose status was `rejected`. */
  readonly lastRejected: RateLimitInfo | undefined;
  /** `api_error_params.rate_limit_info` of the last synthetic assistant error line. */
  readonly assistantRateLimit: RateLimitInfo | undefined;
  /** `error` of the last synthetic assistant error line (`rate_limit`, `authentication_failed`…). */
  readonly assistantError: string | undefined;
  /** Non-blank lines seen, malformed ones included. */
  readonly lines: number;
  readonly malformedLines: number;
}

export interface StreamParser {
  readonly push: (line: string) => AgentEvent[];
  readonly summary: () => StreamSummary;
}

/** Malformed lines are echoed back in events; cap them so one huge bad line cannot pin memory. */
const MAX_MALFORMED_ECHO = 2048;

function toRateLimitInfo(info: RateLimitInfoMessage): RateLimitInfo {
  const out: { -readonly [K in keyof RateLimitInfo]: RateLimitInfo[K] } = { status: info.status };
  if (info.resetsAt !== undefined) out.resetsAt = info.resetsAt;
  if (info.rateLimitType !== undefined) out.limitType = info.rateLimitType;
  if (info.utilization !== undefined) out.utilization = info.utilization;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'schema mismatch';
  return issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`;
}

export function createStreamParser(): StreamParser {
  const calls = new Map<string, ToolCall>();
  let sessionId: string | undefined;
  let result: ResultMessage | undefined;
  let lastRejected: RateLimitInfo | undefined;
  let assistantRateLimit: RateLimitInfo | undefined;
  let assistantError: string | undefined;
  let lines = 0;
  let malformedLines = 0;

  function malformed(line: string, reason: string): AgentEvent[] {
    malformedLines += 1;
    const echo = line.length > MAX_MALFORMED_ECHO ? line.slice(0, MAX_MALFORMED_ECHO) : line;
    return [{ type: 'malformed', line: echo, reason }];
  }

  function onAssistant(message: AssistantMessage): AgentEvent[] {
    if (message.error !== undefined) {
      assistantError = message.error;
      const info = message.api_error_params?.rate_limit_info;
      if (info !== undefined) assistantRateLimit = toRateLimitInfo(info);
    }
    const events: AgentEvent[] = [];
    for (const block of message.message.content) {
      if (block.type === 'text') {
        events.push({ type: 'text', text: block.text });
      } else if (block.type === 'tool_use') {
        const call = toToolCall(block.id, block.name, block.input);
        calls.set(call.id, call);
        events.push({ type: 'tool.call', call });
      }
    }
    return events;
  }

  function onUser(message: UserMessage): AgentEvent[] {
    const content = message.message.content;
    if (typeof content === 'string') return [];
    const events: AgentEvent[] = [];
    let results = 0;
    for (const block of content) if (block.type === 'tool_result') results += 1;
    for (const block of content) {
      if (block.type !== 'tool_result') continue;
      const call = calls.get(block.tool_use_id);
      // Each tool_use gets exactly one result, so the entry is no longer needed and the map stays small.
      calls.delete(block.tool_use_id);
      events.push(
        toToolResult({
          toolUseId: block.tool_use_id,
          call,
          isError: block.is_error,
          content: block.content,
          toolUseResult: results === 1 ? message.tool_use_result : undefined,
        }),
      );
    }
    return events;
  }

  function onResult(message: ResultMessage): AgentEvent[] {
    result = message;
    if (message.session_id !== undefined) sessionId ??= message.session_id;
    const text = message.result ?? message.errors?.join('\n') ?? '';
    const event = {
      type: 'result' as const,
      subtype: message.subtype,
      isError: message.is_error,
      text,
      sessionId: message.session_id ?? sessionId ?? '',
    };
    const uuids = message.user_message_uuids;
    return [uuids === undefined ? event : { ...event, messageUuids: uuids }];
  }

  function onSystem(raw: Record<string, unknown>, line: string): AgentEvent[] {
    switch (raw['subtype']) {
      case 'init': {
        const parsed = systemInitSchema.safeParse(raw);
        if (!parsed.success) return malformed(line, issueText(parsed.error));
        const init = parsed.data;
        sessionId = init.session_id;
        return [
          {
            type: 'session.started',
            sessionId: init.session_id,
            model: init.model,
            tools: init.tools,
            cliVersion: init.claude_code_version,
            cwd: init.cwd,
            permissionMode: init.permissionMode,
          },
        ];
      }
      case 'api_retry': {
        const parsed = apiRetrySchema.safeParse(raw);
        if (!parsed.success) return malformed(line, issueText(parsed.error));
        const retry = parsed.data;
        return [
          {
            type: 'api.retry',
            attempt: retry.attempt,
            maxRetries: retry.max_retries,
            delayMs: retry.retry_delay_ms,
            status: retry.error_status,
            error: retry.error,
          },
        ];
      }
      case 'model_fallback': {
        const parsed = modelFallbackSchema.safeParse(raw);
        if (!parsed.success) return malformed(line, issueText(parsed.error));
        return [
          {
            type: 'model.fallback',
            from: parsed.data.original_model,
            to: parsed.data.fallback_model,
            trigger: parsed.data.trigger,
          },
        ];
      }
      case 'permission_denied': {
        const parsed = permissionDeniedSchema.safeParse(raw);
        if (!parsed.success) return malformed(line, issueText(parsed.error));
        return [
          {
            type: 'permission.denied',
            tool: parsed.data.tool_name,
            toolUseId: parsed.data.tool_use_id,
            message: parsed.data.message,
          },
        ];
      }
      default:
        return [unknownEvent('system', raw['subtype'])];
    }
  }

  function dispatch(raw: Record<string, unknown>, type: string, line: string): AgentEvent[] {
    switch (type) {
      case 'assistant': {
        const parsed = assistantSchema.safeParse(raw);
        return parsed.success ? onAssistant(parsed.data) : malformed(line, issueText(parsed.error));
      }
      case 'user': {
        const parsed = userSchema.safeParse(raw);
        return parsed.success ? onUser(parsed.data) : malformed(line, issueText(parsed.error));
      }
      case 'result': {
        const parsed = resultSchema.safeParse(raw);
        return parsed.success ? onResult(parsed.data) : malformed(line, issueText(parsed.error));
      }
      case 'rate_limit_event': {
        const parsed = rateLimitEventSchema.safeParse(raw);
        if (!parsed.success) return malformed(line, issueText(parsed.error));
        const info = toRateLimitInfo(parsed.data.rate_limit_info);
        if (info.status === 'rejected') lastRejected = info;
        return [{ type: 'rate_limit', info }];
      }
      case 'command_lifecycle': {
        const parsed = commandLifecycleSchema.safeParse(raw);
        if (!parsed.success) return malformed(line, issueText(parsed.error));
        const state = LIFECYCLE_STATES.find((known) => known === parsed.data.state);
        if (state === undefined) return [unknownEvent(type, parsed.data.state)];
        return [{ type: 'message.lifecycle', uuid: parsed.data.command_uuid, state }];
      }
      case 'system':
        return onSystem(raw, line);
      default:
        return [unknownEvent(type, raw['subtype'])];
    }
  }

  function push(line: string): AgentEvent[] {
    if (line.trim() === '') return [];
    lines += 1;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      return malformed(line, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isRecord(raw)) return malformed(line, 'not a JSON object');
    const type = raw['type'];
    if (typeof type !== 'string') return malformed(line, 'no string "type" field');
    return dispatch(raw, type, line);
  }

  function summary(): StreamSummary {
    return { sessionId, result, lastRejected, assistantRateLimit, assistantError, lines, malformedLines };
  }

  return { push, summary };
}

function unknownEvent(messageType: string, subtype: unknown): AgentEvent {
  return typeof subtype === 'string' ? { type: 'unknown', messageType, subtype } : { type: 'unknown', messageType };
}
