// Maps tool_use blocks to ToolCalls and tool_result blocks to the facts a Librarian and a Sentry need.
import { Buffer } from 'node:buffer';
import type { AgentEvent, ToolCall, ToolKind } from './events.js';
import type { ToolInput, ToolUseResult } from './schema.js';

/** Tool result text kept per event; enough for a Librarian to see what a file exports, bounded for memory. */
export const MAX_RESULT_TEXT = 64 * 1024;

const KINDS: ReadonlyMap<string, ToolKind> = new Map<string, ToolKind>([
  ['Read', 'read'],
  ['NotebookRead', 'read'],
  ['Grep', 'search'],
  ['Glob', 'search'],
  ['Edit', 'edit'],
  ['MultiEdit', 'edit'],
  ['NotebookEdit', 'edit'],
  ['Write', 'write'],
  ['Bash', 'bash'],
]);

function toolKind(name: string): ToolKind {
  return KINDS.get(name) ?? 'other';
}

export function toToolCall(id: string, name: string, input: ToolInput): ToolCall {
  const kind = toolKind(name);
  const paths: string[] = [];
  if (input.file_path !== undefined) paths.push(input.file_path);
  if (input.notebook_path !== undefined) paths.push(input.notebook_path);
  if (input.path !== undefined) paths.push(input.path);
  const call: { -readonly [K in keyof ToolCall]: ToolCall[K] } = { id, name, kind, paths };
  if (kind === 'search' && input.pattern !== undefined) call.pattern = input.pattern;
  if (kind === 'bash' && input.command !== undefined) call.command = input.command;
  return call;
}

export type ToolResultContent =
  string | readonly { readonly type: string; readonly text?: string | undefined }[] | undefined;

function contentText(content: ToolResultContent): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (const block of content) {
    if (block.text === undefined) continue;
    text = text === '' ? block.text : `${text}\n${block.text}`;
  }
  return text;
}

function bounded(text: string): string {
  return text.length > MAX_RESULT_TEXT ? text.slice(0, MAX_RESULT_TEXT) : text;
}

const EXIT_CODE = /Exit code (-?\d+)/;

/** The Bash tool reports a failing command as "Exit code N" at the top of its error text. */
function bashExitCode(ok: boolean, text: string): number | undefined {
  if (ok) return 0;
  const match = EXIT_CODE.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface ToolResultInput {
  readonly toolUseId: string;
  readonly call: ToolCall | undefined;
  readonly isError: boolean | undefined;
  readonly content: ToolResultContent;
  /** The structured output, only when it belongs to this result alone (one tool_result in the line). */
  readonly toolUseResult: ToolUseResult | undefined;
}

type ToolResultEvent = Extract<AgentEvent, { type: 'tool.result' }>;

export function toToolResult(input: ToolResultInput): ToolResultEvent {
  const ok = input.isError !== true;
  const text = contentText(input.content);
  const kind = input.call?.kind;
  const structured = typeof input.toolUseResult === 'object' ? input.toolUseResult : undefined;
  const event: { -readonly [K in keyof ToolResultEvent]: ToolResultEvent[K] } = {
    type: 'tool.result',
    toolUseId: input.toolUseId,
    call: input.call,
    ok,
    text: bounded(text),
  };
  if (kind === 'read' && ok) {
    // The structured copy is the raw file; the block text carries line-number prefixes.
    const fileText = structured?.file?.content ?? text;
    event.text = bounded(fileText);
    event.fileSize = Buffer.byteLength(fileText, 'utf8');
  } else if (kind === 'bash') {
    const exitCode = bashExitCode(ok, text);
    if (exitCode !== undefined) event.exitCode = exitCode;
  } else if (kind === 'search' && ok && structured?.filenames !== undefined) {
    event.files = structured.filenames;
  }
  return event;
}
