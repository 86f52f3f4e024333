// A story's (or its resolver's) Claude turn as a callback actor: stream events in, typed story events out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fromCallback } from 'xstate';
import type { AgentSessionEvent, AgentSessionInput, AgentTellEvent } from '../machines/story-events.js';
import type { ToolObservation } from '../machines/knowledge.js';
import type { AgentEvent, ToolCall } from '../services/claude/events.js';
import type { PermissionMode } from '../services/claude/argv.js';
import { denialRule } from '../services/permissions.js';
import {
  guidedPrompt,
  laterTurnNews,
  resolverPrompt,
  retryPrompt,
  reviewFeedbackPrompt,
  storyPrompt,
  storyRules,
} from '../services/prompts.js';
import type { RunPaths } from '../services/store/paths.js';
import { watchBashEdits } from './bash-edits.js';
import type { BashEditDeps } from './bash-edits.js';
import { claudeTurn } from './claude-turn.js';
import { priorTurn } from './turn-restore.js';
import type { TurnDeps } from './claude-turn.js';
import { createLiveChannel } from './live-channel.js';

export interface AgentDeps extends TurnDeps, BashEditDeps {
  readonly goal: string;
  readonly paths: RunPaths;
  readonly model: string;
  readonly maxTurns: number;
  readonly maxBudgetUsd?: number | undefined;
  /** How long an agent may print nothing before its turn is stopped as a transient failure. */
  readonly idleMs?: number | undefined;
  readonly permissionMode: PermissionMode;
  readonly allowedTools: readonly string[];
  readonly checks: readonly string[];
  readonly storyBranch: (storyId: string) => string;
  /** The story's PORT and BARO_PORT (services/story-port.ts); none when undefined. */
  readonly portOf?: ((storyId: string) => number) | undefined;
}

function promptFor(deps: AgentDeps, input: AgentSessionInput): string {
  const { story } = input;
  // A later turn carries what others learned since the last brief and the messages that could not be said live.
  const news = laterTurnNews({
    brief: input.brief,
    notices: input.notices,
    warnings: input.warnings,
    storyId: story.id,
  });
  if (input.purpose === 'resolve' && input.conflict) {
    const resolve = resolverPrompt({ story, onto: input.conflict.onto, files: input.conflict.files, warnings: [] });
    return `${resolve}${news}`;
  }
  if (input.purpose === 'feedback' && input.review) {
    const { round, verdict, failing } = input.review;
    const feedback = reviewFeedbackPrompt({
      round,
      reasons: verdict.reasons,
      unmetCriteria: verdict.unmetCriteria,
      failing,
    });
    return `${feedback}${news}`;
  }
  if (input.purpose === 'retry') return `${retryPrompt({ reason: input.reason ?? 'the agent stopped' })}${news}`;
  if (input.purpose === 'guided' && input.sessionId !== undefined)
    return `${guidedPrompt({ guidance: input.guidance })}${news}`;
  const first = storyPrompt({
    goal: deps.goal,
    story,
    dependencies: input.dependencies,
    brief: input.brief,
    warnings: input.warnings,
    branch: deps.storyBranch(story.id),
    guidance: input.guidance,
  });
  return `${first}${laterTurnNews({ brief: '', notices: input.notices, warnings: [], storyId: story.id })}`;
}

function inside(root: string, path: string): string | undefined {
  const rel = relative(root, isAbsolute(path) ? path : join(root, path));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel;
}

/** The Librarian's record of files an agent changed through Bash. */
function bashEditObservation(storyId: string, root: string, paths: readonly string[]): ToolObservation {
  return { storyId, root, kind: 'edit', name: 'Bash', paths, ok: true, text: '' };
}

/**
 * Maps one stream event to what the story machine wants to hear, if anything; `calls` remembers the turn's tool calls
 * so that a denial can name what was denied.
 */
function storyEventFor(
  event: AgentEvent,
  storyId: string,
  root: string,
  calls: Map<string, ToolCall>,
): AgentSessionEvent | undefined {
  switch (event.type) {
    case 'session.started':
      return { type: 'agent.session', sessionId: event.sessionId };
    case 'tool.call': {
      calls.set(event.call.id, event.call);
      if (event.call.kind !== 'edit' && event.call.kind !== 'write') return undefined;
      const paths = event.call.paths.flatMap((p) => inside(root, p) ?? []);
      return paths.length > 0 ? { type: 'agent.touch', paths } : undefined;
    }
    case 'tool.result': {
      const call = event.call;
      const observation: ToolObservation = {
        storyId,
        root,
        kind: call?.kind ?? 'other',
        name: call?.name ?? 'unknown',
        paths: call?.paths ?? [],
        ...(call?.pattern !== undefined ? { pattern: call.pattern } : {}),
        ...(call?.command !== undefined ? { command: call.command } : {}),
        ok: event.ok,
        ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}),
        text: event.text,
        ...(event.files !== undefined ? { files: event.files } : {}),
        ...(event.fileSize !== undefined ? { fileSize: event.fileSize } : {}),
      };
      return { type: 'agent.tool', observation };
    }
    case 'rate_limit': {
      const { status, utilization, resetsAt } = event.info;
      if (status !== 'allowed_warning' || utilization === undefined || resetsAt === undefined) return undefined;
      return { type: 'agent.quota.warning', utilization, resetsAt };
    }
    case 'permission.denied':
      return {
        type: 'agent.denied',
        tool: event.tool,
        message: event.message,
        rule: denialRule(event.tool, calls.get(event.toolUseId)),
      };
    default:
      return undefined;
  }
}

export function agentSessionLogic(deps: AgentDeps) {
  return fromCallback<AgentTellEvent, AgentSessionInput>(({ input, sendBack, receive }) => {
    const controller = new AbortController();
    const cwd = input.worktree ?? deps.paths.storyWorktree(input.storyId);
    const rulesFile = join(deps.paths.rulesDir, `${input.storyId}.md`);
    const send = (event: AgentSessionEvent) => {
      if (!controller.signal.aborted) sendBack(event);
    };
    const live = createLiveChannel(send);
    receive((event) => {
      if (event.type === 'agent.tell') live.tell(event.message);
    });
    const bash = watchBashEdits(deps, cwd, (paths) => {
      send({ type: 'agent.touch', paths });
      send({ type: 'agent.tool', observation: bashEditObservation(input.storyId, cwd, paths) });
    });
    const calls = new Map<string, ToolCall>();
    const onEvent = (event: AgentEvent) => {
      const mapped = storyEventFor(event, input.storyId, cwd, calls);
      if (mapped?.type === 'agent.touch') bash.edited(mapped.paths);
      if (mapped) send(mapped);
      if (event.type === 'tool.result' && event.call?.kind === 'bash') bash.afterBash();
    };
    const rawLogPath = deps.paths.attemptLog(input.storyId, input.attempt);
    const turn = async () => {
      // Small files, written and read at once: as a level starts, every story's thread-pool trips would queue behind
      // the others' writes, ~10 ms a story.
      mkdirSync(dirname(rulesFile), { recursive: true });
      writeFileSync(rulesFile, storyRules({ storyId: input.storyId, worktree: cwd, checks: deps.checks }));
      // Restored after a stop or a crash: the interrupted turn's session continues, or the turn starts over.
      const prior = priorTurn(rawLogPath);
      // HEAD as the agent starts, read before it can commit anything.
      await bash.settled();
      if (prior)
        send({ type: 'agent.restored', how: prior.sessionId ? 'continued' : 'restarted', sessionId: prior.sessionId });
      const sessionId = prior?.sessionId ?? input.sessionId;
      const resume = sessionId !== undefined && (prior?.sessionId !== undefined || input.purpose !== 'story');
      const prompt =
        prior?.sessionId !== undefined && input.purpose !== 'resolve'
          ? retryPrompt({ reason: 'baro was stopped while you worked, and has started again' })
          : promptFor(deps, input);
      return claudeTurn(
        deps,
        {
          role: input.purpose === 'resolve' ? 'resolver' : 'story',
          cwd,
          prompt,
          model: deps.model,
          resumeSessionId: resume ? sessionId : undefined,
          storyId: input.storyId,
          port: deps.portOf?.(input.storyId),
          maxTurns: deps.maxTurns,
          maxBudgetUsd: deps.maxBudgetUsd,
          idleMs: deps.idleMs,
          permissionMode: deps.permissionMode,
          // As root, claude accepts bypass only from a declared sandbox; buildEnv declares it for skipPermissions.
          skipPermissions: deps.permissionMode === 'bypassPermissions',
          allowedTools: deps.allowedTools,
          appendSystemPromptFile: rulesFile,
          rawLogPath,
          live: live.options,
          onSpawn: (pid) => send({ type: 'agent.spawned', pid }),
        },
        controller.signal,
        onEvent,
      );
    };
    const finished = async () => {
      const output = await turn().finally(live.close);
      await bash.settled();
      return output;
    };
    finished().then(
      (output) => send({ type: 'agent.exited', result: output.summary, endedAt: output.endedAt }),
      (error: unknown) =>
        send({
          type: 'agent.exited',
          result: {
            outcome: { kind: 'startup_failure', text: error instanceof Error ? error.message : String(error) },
            sessionId: input.sessionId,
            costUsd: 0,
            durationMs: 0,
            usage: { inputTokens: 0, outputTokens: 0 },
          },
          endedAt: deps.now(),
        }),
    );
    return () => controller.abort();
  });
}
