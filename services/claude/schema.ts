// zod schemas for the stream-json lines of `claude -p` (reference: docs/claude-cli.md §3); one schema per message kind.
import { z } from 'zod';

// Objects strip unknown keys (never reject them): the CLI adds fields every release, and stripping is the fast path.
// `.catch()` marks fields we only use opportunistically, so a surprising value there never costs us the whole line.

const rateLimitInfoSchema = z.object({
  status: z.enum(['allowed', 'allowed_warning', 'rejected']),
  resetsAt: z.number().optional().catch(undefined),
  rateLimitType: z.string().optional().catch(undefined),
  utilization: z.number().optional().catch(undefined),
});

export const systemInitSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('init'),
  session_id: z.string(),
  model: z.string().catch(''),
  tools: z.array(z.string()).catch([]),
  claude_code_version: z.string().catch(''),
  cwd: z.string().catch(''),
  permissionMode: z.string().catch(''),
});

const optionalString = z.string().optional().catch(undefined);

/** The fields of a tool input that name files or commands; everything else in `input` is ignored. */
const toolInputSchema = z.object({
  file_path: optionalString,
  notebook_path: optionalString,
  path: optionalString,
  pattern: optionalString,
  command: optionalString,
});

// Block types we do not read (images, redacted thinking, server tools…) become `other` instead of failing the line.
const otherBlockSchema = z
  .object({ type: z.string() })
  .transform((block) => ({ type: 'other' as const, blockType: block.type }));

// The discriminated union dispatches on `type` without trying (and failing) each option; the fallback runs only for other types.
const assistantBlockSchema = z.union([
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('text'), text: z.string() }),
    z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: toolInputSchema.catch({}) }),
    z.object({ type: z.literal('thinking'), thinking: z.string() }),
  ]),
  otherBlockSchema,
]);

export const assistantSchema = z.object({
  type: z.literal('assistant'),
  message: z.object({ content: z.array(assistantBlockSchema) }),
  session_id: optionalString,
  error: optionalString,
  api_error: z.string().nullable().optional().catch(undefined),
  api_error_status: z.number().nullable().optional().catch(undefined),
  api_error_params: z
    .object({ rate_limit_info: rateLimitInfoSchema.optional().catch(undefined) })
    .nullable()
    .optional()
    .catch(undefined),
});

const toolResultContentSchema = z.union([z.string(), z.array(z.object({ type: z.string(), text: optionalString }))]);

const userBlockSchema = z.union([
  z.object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: toolResultContentSchema.optional().catch(undefined),
    is_error: z.boolean().optional().catch(undefined),
  }),
  otherBlockSchema,
]);

/** The structured tool output we use: Read's file content, Grep/Glob's file names. */
const toolUseResultSchema = z.union([
  z.object({
    file: z.object({ content: z.string() }).optional().catch(undefined),
    filenames: z.array(z.string()).optional().catch(undefined),
  }),
  z.string(),
]);

export const userSchema = z.object({
  type: z.literal('user'),
  message: z.object({ content: z.union([z.array(userBlockSchema), z.string()]) }),
  tool_use_result: toolUseResultSchema.optional().catch(undefined),
});

const usageSchema = z.object({
  input_tokens: z.number().catch(0),
  output_tokens: z.number().catch(0),
  cache_read_input_tokens: z.number().catch(0),
  cache_creation_input_tokens: z.number().catch(0),
});

const modelUsageSchema = z.object({
  inputTokens: z.number().catch(0),
  outputTokens: z.number().catch(0),
  cacheReadInputTokens: z.number().catch(0),
  cacheCreationInputTokens: z.number().catch(0),
});

const permissionDenialSchema = z.object({
  tool_name: z.string(),
  tool_use_id: z.string(),
  tool_input: z.unknown(),
});

export const resultSchema = z.object({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.boolean(),
  session_id: optionalString,
  num_turns: z.number().catch(0),
  duration_ms: z.number().optional().catch(undefined),
  result: optionalString,
  errors: z.array(z.string()).optional().catch(undefined),
  total_cost_usd: z.number().catch(0),
  usage: usageSchema.optional().catch(undefined),
  modelUsage: z.record(z.string(), modelUsageSchema).optional().catch(undefined),
  permission_denials: z.array(permissionDenialSchema).catch([]),
  api_error_status: z.number().nullable().optional().catch(undefined),
  api_error: z.string().nullable().optional().catch(undefined),
  terminal_reason: optionalString,
  startup_failure_reason: optionalString,
  structured_output: z.unknown().optional(),
  /** The stdin messages this turn answered (stream-json input). */
  user_message_uuids: z.array(z.string()).optional().catch(undefined),
});

export const rateLimitEventSchema = z.object({
  type: z.literal('rate_limit_event'),
  rate_limit_info: rateLimitInfoSchema,
});

export const apiRetrySchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('api_retry'),
  attempt: z.number(),
  max_retries: z.number(),
  retry_delay_ms: z.number(),
  error_status: z.number().nullable().catch(null),
  error: z.string().catch(''),
});

export const modelFallbackSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('model_fallback'),
  original_model: z.string(),
  fallback_model: z.string(),
  trigger: z.string().catch(''),
});

export const permissionDeniedSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('permission_denied'),
  tool_name: z.string(),
  tool_use_id: z.string(),
  message: z.string().catch(''),
});

export const LIFECYCLE_STATES = ['queued', 'started', 'completed', 'cancelled'] as const;

/** What became of a stdin message that carried a `uuid` (stream-json input, docs/claude-cli.md §9). */
export const commandLifecycleSchema = z.object({
  type: z.literal('command_lifecycle'),
  command_uuid: z.string(),
  // A state added by a later CLI is reported as unknown rather than failing the line.
  state: z.string(),
});

export type SystemInitMessage = z.infer<typeof systemInitSchema>;
export type AssistantMessage = z.infer<typeof assistantSchema>;
export type UserMessage = z.infer<typeof userSchema>;
export type ToolUseResult = z.infer<typeof toolUseResultSchema>;
export type ToolInput = z.infer<typeof toolInputSchema>;
export type ResultMessage = z.infer<typeof resultSchema>;
export type RateLimitInfoMessage = z.infer<typeof rateLimitInfoSchema>;
