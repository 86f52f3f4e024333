// One turn of one `claude` process, for every role (planner, story, resolver…): the single way baro talks to Claude.
import { randomUUID } from 'node:crypto';
import type { SessionSummary } from '../machines/types.js';
import type { AgentRole, PermissionMode } from '../services/claude/argv.js';
import type { AgentEvent, SessionResult } from '../services/claude/events.js';
import type { LiveOptions, SessionOptions } from '../services/claude/session.js';

/** What a turn needs from the run, whatever its role. */
export interface TurnDeps {
  readonly runId: string;
  readonly bin: string;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly runSession: (options: SessionOptions) => Promise<SessionResult>;
  readonly now: () => number;
}

export interface ClaudeTurnInput {
  readonly role: AgentRole;
  readonly cwd: string;
  readonly prompt: string;
  readonly model: string;
  /** Continue this session (`--resume`); undefined starts a new one. */
  readonly resumeSessionId?: string | undefined;
  readonly storyId?: string | undefined;
  readonly jsonSchema?: Readonly<Record<string, unknown>> | undefined;
  readonly tools?: readonly string[] | undefined;
  readonly allowedTools: readonly string[];
  readonly permissionMode: PermissionMode;
  readonly maxTurns?: number | undefined;
  readonly maxBudgetUsd?: number | undefined;
  readonly idleMs?: number | undefined;
  readonly skipPermissions?: boolean | undefined;
  /** PORT and BARO_PORT for the session; none when undefined. */
  readonly port?: number | undefined;
  readonly appendSystemPromptFile?: string | undefined;
  readonly rawLogPath?: string | undefined;
  /** Run with stream-json input so messages can be written while the agent works. */
  readonly live?: LiveOptions | undefined;
  /** Told the agent's pid as soon as it runs; it leads its own process group. */
  readonly onSpawn?: ((pid: number) => void) | undefined;
}

export interface TurnOutput {
  readonly summary: SessionSummary;
  /** Epoch ms; machines compute retry deadlines from it instead of reading a clock. */
  readonly endedAt: number;
  readonly resultText: string;
  readonly structuredOutput?: unknown;
}

function summarise(result: SessionResult): SessionSummary {
  return {
    outcome: result.outcome,
    sessionId: result.sessionId,
    costUsd: result.costUsd,
    durationMs: result.durationMs,
    usage: { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
  };
}

/** Runs the turn; it always resolves: a process that cannot even start is a `startup_failure` outcome. */
export async function claudeTurn(
  deps: TurnDeps,
  input: ClaudeTurnInput,
  signal: AbortSignal,
  onEvent?: (event: AgentEvent) => void,
): Promise<TurnOutput> {
  const resume = input.resumeSessionId !== undefined;
  try {
    const result = await deps.runSession({
      bin: deps.bin,
      cwd: input.cwd,
      prompt: input.prompt,
      model: input.model,
      sessionId: input.resumeSessionId ?? randomUUID(),
      resume,
      maxTurns: input.maxTurns,
      maxBudgetUsd: input.maxBudgetUsd,
      idleMs: input.idleMs,
      skipPermissions: input.skipPermissions,
      permissionMode: input.permissionMode,
      allowedTools: input.allowedTools,
      tools: input.tools,
      jsonSchema: input.jsonSchema,
      appendSystemPromptFile: input.appendSystemPromptFile,
      role: input.role,
      runId: deps.runId,
      storyId: input.storyId,
      port: input.port,
      baseEnv: deps.baseEnv,
      signal,
      rawLogPath: input.rawLogPath,
      onSpawn: input.onSpawn,
      onEvent,
      live: input.live,
    });
    const output = { summary: summarise(result), endedAt: deps.now(), resultText: result.resultText };
    return result.structuredOutput === undefined ? output : { ...output, structuredOutput: result.structuredOutput };
  } catch (error) {
    return {
      summary: {
        outcome: { kind: 'startup_failure', text: error instanceof Error ? error.message : String(error) },
        sessionId: input.resumeSessionId,
        costUsd: 0,
        durationMs: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
      },
      endedAt: deps.now(),
      resultText: '',
    };
  }
}
