// One Messages API request of the real `claude` CLI, read into what a scripted model decides by (docs/claude-cli.md §10).
import { z } from 'zod';

const textBlockSchema = z.looseObject({ type: z.literal('text'), text: z.string() });
const toolResultSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.unknown(),
  is_error: z.boolean().optional(),
});
const blockSchema = z.union([textBlockSchema, toolResultSchema, z.looseObject({ type: z.string() })]);

const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(blockSchema)]),
});

/** The fields of the request body the fake reads; anything else the CLI sends passes through unchecked. */
export const requestBodySchema = z.looseObject({
  model: z.string(),
  stream: z.boolean().optional(),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  tools: z.array(z.looseObject({ name: z.string() })).default([]),
  messages: z.array(messageSchema),
});
export type RequestBody = z.infer<typeof requestBodySchema>;

export interface ToolResult {
  readonly toolUseId: string;
  readonly isError: boolean;
  readonly text: string;
}

/** Which of baro's agents sent the request, read from its first (or, for a resolver, latest) prompt. */
export type ApiRole = 'planner' | 'story' | 'resolver' | 'critic' | 'surgeon' | 'other';

/** What a scripted model sees of one request. */
export interface ApiTurn {
  /** `x-claude-code-session-id`: the `--session-id`/`--resume` value, stable across a resume. */
  readonly sessionId: string;
  readonly model: string;
  readonly role: ApiRole;
  /** The system prompt's text blocks joined: the CLI's own, then what `--append-system-prompt-file` added. */
  readonly system: string;
  /** The agent's cwd from the `Primary working directory:` line; tool paths are built from it. */
  readonly cwd: string;
  /** Every prompt a person (baro) wrote, oldest first: the first is the turn's prompt, more mean a resume. */
  readonly prompts: readonly string[];
  /** The story id from baro's story prompt (`# Your story: <id> — …`), if this is a story session. */
  readonly storyId: string | undefined;
  /** tool_result blocks in the whole history: 0 answers the prompt, k answers after k tool calls. */
  readonly step: number;
  /** tool_result blocks since the latest prompt: where a resumed session is in what that prompt asked. */
  readonly stepInPrompt: number;
  /** The tool results after the last assistant message: the answers to the previous step's calls. */
  readonly lastResults: readonly ToolResult[];
  readonly tools: readonly string[];
  /** `--json-schema` was passed: the CLI offers a `StructuredOutput` tool. */
  readonly structuredOutput: boolean;
  /** The story the Critic reviews (`# Review of story <id> — …`), if this is a Critic's session. */
  readonly reviewOf: string | undefined;
}

const WORKING_DIRECTORY = /Primary working directory: (.+)/;
const STORY_ID = /^# Your story: (\S+) — /m;
const REVIEW_OF = /^# Review of story (\S+) — /m;
const PLANNER = '# Plan this goal';
const SURGEON = 'You are the Surgeon of';
const RESOLVER = '# Conflict in story';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: unknown) => (textBlockSchema.safeParse(block).success ? (block as { text: string }).text : ''))
    .join('\n');
}

function systemText(body: RequestBody): string {
  if (body.system === undefined) return '';
  return typeof body.system === 'string' ? body.system : body.system.map((block) => block.text).join('\n');
}

// Reminders the CLI adds (git status, attribution) are not something baro asked.
const isReminder = (text: string): boolean => text.trimStart().startsWith('<system-reminder>');

function promptsOf(body: RequestBody): string[] {
  const prompts: string[] = [];
  for (const message of body.messages) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') {
      prompts.push(message.content);
      continue;
    }
    // A resume's prompt can share one user message with the last tool results: only the text blocks count.
    for (const block of message.content) {
      const text = textBlockSchema.safeParse(block);
      if (text.success && !isReminder(text.data.text)) prompts.push(text.data.text);
    }
  }
  return prompts;
}

// Within one message the tool results come first and a resume's prompt after them, as the CLI merges the two.
function stepInPrompt(body: RequestBody): number {
  let count = 0;
  for (const message of body.messages) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') {
      count = 0;
      continue;
    }
    for (const block of message.content) {
      if (block.type === 'tool_result') count += 1;
      else if (textBlockSchema.safeParse(block).success && !isReminder((block as { text: string }).text)) count = 0;
    }
  }
  return count;
}

function toolResults(body: RequestBody): ToolResult[][] {
  return body.messages.map((message) =>
    typeof message.content === 'string'
      ? []
      : message.content.flatMap((block) => {
          const result = toolResultSchema.safeParse(block);
          if (!result.success) return [];
          const { tool_use_id, is_error, content } = result.data;
          return [{ toolUseId: tool_use_id, isError: is_error === true, text: textOf(content) }];
        }),
  );
}

// The CLI may add messages after the tool results (a system note on the budget with --max-budget-usd).
const lastAssistant = (body: RequestBody): number => body.messages.findLastIndex((m) => m.role === 'assistant');

function roleOf(prompts: readonly string[]): ApiRole {
  const first = prompts[0] ?? '';
  if (REVIEW_OF.test(first)) return 'critic';
  if (first.startsWith(SURGEON)) return 'surgeon';
  if (first.startsWith(PLANNER)) return 'planner';
  if (!STORY_ID.test(first)) return 'other';
  return (prompts.at(-1) ?? '').startsWith(RESOLVER) ? 'resolver' : 'story';
}

/** Reads a request; the cwd is looked for in the system prompt and every message, where 2.1.332 puts it. */
export function readTurn(sessionId: string, body: RequestBody): ApiTurn {
  const everywhere = [systemText(body), ...body.messages.map((message) => textOf(message.content))].join('\n');
  const prompts = promptsOf(body);
  const results = toolResults(body);
  return {
    sessionId,
    model: body.model,
    role: roleOf(prompts),
    system: systemText(body),
    cwd: WORKING_DIRECTORY.exec(everywhere)?.[1]?.trim() ?? '',
    prompts,
    storyId: STORY_ID.exec(prompts[0] ?? '')?.[1],
    step: results.reduce((count, list) => count + list.length, 0),
    stepInPrompt: stepInPrompt(body),
    lastResults: results.slice(lastAssistant(body) + 1).flat(),
    tools: body.tools.map((tool) => tool.name),
    structuredOutput: body.tools.some((tool) => tool.name === 'StructuredOutput'),
    reviewOf: REVIEW_OF.exec(prompts[0] ?? '')?.[1],
  };
}
