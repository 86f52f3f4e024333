// How the fake answers: one streamed assistant message, the subscriber usage limit, or no answer at all (docs/claude-cli.md §10).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export type Block =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_use'; readonly name: string; readonly input: Readonly<Record<string, unknown>> };

export type Reply =
  | { readonly kind: 'message'; readonly blocks: readonly Block[] }
  /** The subscription's usage limit: 429 with the unified rate-limit headers, reset at `resetsAt` (epoch s). */
  | { readonly kind: 'usage_limit'; readonly resetsAt: number }
  /** Never answers, until the CLI goes away: a model that is still thinking. */
  | { readonly kind: 'hold' };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Ids in the real formats (`msg_01…`, `toolu_01…`); other formats were never tried against the CLI.
export function apiId(prefix: string): string {
  const bytes = randomBytes(22);
  return `${prefix}_01${Array.from(bytes, (byte) => ALNUM[byte % ALNUM.length]).join('')}`;
}

const inAnHour = (): number => Math.floor(Date.now() / 1000) + 3600;

// A subscriber well within its limits: the CLI turns these into a `rate_limit_event` with status `allowed`.
function allowedHeaders(): Record<string, string> {
  const reset = String(inAnHour());
  return {
    'anthropic-ratelimit-unified-status': 'allowed',
    'anthropic-ratelimit-unified-reset': reset,
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-5h-utilization': '0.42',
    'anthropic-ratelimit-unified-5h-reset': reset,
    'anthropic-ratelimit-unified-7d-utilization': '0.18',
    'anthropic-ratelimit-unified-7d-reset': String(inAnHour() + 86_400),
  };
}

function sse(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

function streamBlock(res: ServerResponse, index: number, block: Block): void {
  if (block.type === 'text') {
    sse(res, 'content_block_start', { index, content_block: { type: 'text', text: '' } });
    sse(res, 'content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
  } else {
    const start = { type: 'tool_use', id: apiId('toolu'), name: block.name, input: {} };
    sse(res, 'content_block_start', { index, content_block: start });
    const delta = { type: 'input_json_delta', partial_json: JSON.stringify(block.input) };
    sse(res, 'content_block_delta', { index, delta });
  }
  sse(res, 'content_block_stop', { index });
}

/** Streams one assistant message as server-sent events, then closes the response after `message_stop`. */
export function streamMessage(res: ServerResponse, model: string, blocks: readonly Block[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': apiId('req'), ...allowedHeaders() });
  const usage = { input_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 };
  const message = { id: apiId('msg'), type: 'message', role: 'assistant', model, content: [], usage };
  sse(res, 'message_start', {
    message: { ...message, stop_reason: null, stop_sequence: null },
  });
  blocks.forEach((block, index) => streamBlock(res, index, block));
  const stopReason = blocks.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
  sse(res, 'message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 20 } });
  sse(res, 'message_stop', {});
  res.end();
}

/** The subscriber usage-limit answer the CLI reports as `usage_limit_reached` without retrying (docs/claude-cli.md §10). */
export function refuseForUsageLimit(res: ServerResponse, resetsAt: number): void {
  const reset = String(resetsAt);
  res.writeHead(429, {
    'content-type': 'application/json',
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-reset': reset,
    'anthropic-ratelimit-unified-5h-status': 'rejected',
    'anthropic-ratelimit-unified-5h-utilization': '1.0',
    'anthropic-ratelimit-unified-5h-reset': reset,
    'anthropic-ratelimit-unified-7d-utilization': '0.41',
    'anthropic-ratelimit-unified-7d-reset': String(resetsAt + 86_400),
    'anthropic-ratelimit-unified-overage-status': 'rejected',
    'anthropic-ratelimit-unified-overage-disabled-reason': 'out_of_credits',
    'anthropic-ratelimit-unified-fallback': 'available',
  });
  const message = "This request would exceed your account's rate limit. Please try again later.";
  res.end(JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message } }));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
