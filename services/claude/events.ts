// The typed vocabulary of one `claude` process, shared by the parser, the session runner and the actors.

export type ToolKind = 'read' | 'search' | 'edit' | 'write' | 'bash' | 'other';

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly kind: ToolKind;
  /** Absolute or relative file paths the call names (Read/Edit/Write file_path, Grep/Glob path). */
  readonly paths: readonly string[];
  readonly pattern?: string;
  readonly command?: string;
}

export type LifecycleState = 'queued' | 'started' | 'completed' | 'cancelled';

export interface RateLimitInfo {
  readonly status: 'allowed' | 'allowed_warning' | 'rejected';
  /** Epoch seconds. */
  readonly resetsAt?: number;
  readonly limitType?: string;
  readonly utilization?: number;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheCreationTokens: number;
}

export type AgentEvent =
  | {
      readonly type: 'session.started';
      readonly sessionId: string;
      readonly model: string;
      readonly tools: readonly string[];
      readonly cliVersion: string;
      readonly cwd: string;
      readonly permissionMode: string;
    }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool.call'; readonly call: ToolCall }
  /** The result of an earlier call, with that call attached (undefined when its tool_use was never seen). */
  | {
      readonly type: 'tool.result';
      readonly toolUseId: string;
      readonly call: ToolCall | undefined;
      readonly ok: boolean;
      readonly text: string;
      readonly exitCode?: number;
      readonly files?: readonly string[];
      readonly fileSize?: number;
    }
  | { readonly type: 'rate_limit'; readonly info: RateLimitInfo }
  | {
      readonly type: 'api.retry';
      readonly attempt: number;
      readonly maxRetries: number;
      readonly delayMs: number;
      readonly status: number | null;
      readonly error: string;
    }
  | { readonly type: 'model.fallback'; readonly from: string; readonly to: string; readonly trigger: string }
  | { readonly type: 'permission.denied'; readonly tool: string; readonly toolUseId: string; readonly message: string }
  | {
      readonly type: 'result';
      readonly subtype: string;
      readonly isError: boolean;
      readonly text: string;
      readonly sessionId: string;
      /** The stdin messages the turn answered (stream-json input); absent when the CLI does not say. */
      readonly messageUuids?: readonly string[];
    }
  /** A stdin message's progress: `queued` when read, `started` when folded into a request, then `completed`. */
  | { readonly type: 'message.lifecycle'; readonly uuid: string; readonly state: LifecycleState }
  | { readonly type: 'unknown'; readonly messageType: string; readonly subtype?: string }
  | { readonly type: 'malformed'; readonly line: string; readonly reason: string };

export interface PermissionDenial {
  readonly tool: string;
  readonly toolUseId: string;
  readonly input: unknown;
}

export type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'denied'; readonly denials: readonly PermissionDenial[] }
  | { readonly kind: 'max_turns'; readonly text: string }
  | { readonly kind: 'budget'; readonly text: string }
  | { readonly kind: 'usage_limit'; readonly resetsAt?: number; readonly limitKind?: string; readonly text: string }
  | { readonly kind: 'transient'; readonly status: number | null; readonly text: string }
  | { readonly kind: 'auth'; readonly text: string }
  | { readonly kind: 'startup_failure'; readonly text: string }
  | { readonly kind: 'error'; readonly text: string }
  | { readonly kind: 'killed'; readonly signal?: string; readonly exitCode?: number };

/** What one finished `claude` process amounts to. */
export interface SessionResult {
  readonly outcome: Outcome;
  readonly sessionId: string | undefined;
  readonly costUsd: number;
  readonly usage: Usage;
  readonly numTurns: number;
  readonly durationMs: number;
  readonly exitCode: number | undefined;
  readonly resultText: string;
  readonly structuredOutput?: unknown;
  readonly malformedLines: number;
}
