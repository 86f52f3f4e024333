// A story's context, and the pure functions the story machine computes from it.
import type { CriticInput } from './critic.js';
import { DEFAULT_LIVE_MESSAGES } from './live.js';
import type { LiveMessage } from './live.js';
import type { CollisionWarning, MergedDependency, SessionSummary, StoryDef, Verdict, VerifyResult } from './types.js';
import type { AgentPurpose, AgentSessionInput, StoryEvent, StoryResult, WorktreeSetupOutput } from './story-events.js';

export interface StoryLimits {
  /** Transient failures (API 5xx/529, crashes) retried before the story fails. */
  readonly transientRetries: number;
  /** Conflict-resolution rounds before the story fails. */
  readonly conflictRounds: number;
  /** Feedback turns after a failing verdict before the story fails (`review.maxRounds`). */
  readonly reviewRounds: number;
  /** Live messages the story's agents hear at most (config `live.maxMessages`); 6 when absent. */
  readonly liveMessages?: number | undefined;
  /** How long the veto hook waits for participants before the merge; 0 or unset: no hook. */
  readonly vetoTimeoutMs?: number | undefined;
  /** How long past an announced usage-limit reset to wait (quota.marginSeconds); QUOTA_MARGIN_MS when unset. */
  readonly quotaMarginMs?: number;
  /** An `allowed_warning` at or above this share of the quota holds new starts until its reset (quota.pauseAtUtilization). */
  readonly pauseAtUtilization?: number;
}

/** What a story the Surgeon sent back is told, and the session of its earlier run, continued when there is one. */
export interface StoryGuidance {
  readonly text: string;
  readonly sessionId: string | undefined;
  /** The worktree that session ran in: continued only from there. */
  readonly worktree: string | undefined;
  /** Turns its earlier runs took: its attempts number on from there, so no log of theirs reads as an interrupted turn. */
  readonly attempts: number;
}

export interface StoryInput {
  readonly story: StoryDef;
  readonly dependencies: readonly MergedDependency[];
  readonly limits: StoryLimits;
  /** Set when a replan retries the story: its first turn carries the guidance. */
  readonly guidance?: StoryGuidance | undefined;
  /** Files the plan has this story write alongside another story of its level, said in its first prompt. */
  readonly warnings?: readonly CollisionWarning[] | undefined;
}

export interface StoryContext {
  readonly storyId: string;
  readonly story: StoryDef;
  readonly dependencies: readonly MergedDependency[];
  readonly limits: StoryLimits;
  readonly brief: string;
  readonly sessionId: string | undefined;
  /** Where the session a replan continues ran; undefined for a session of this run of the story (in `worktree`). */
  readonly sessionWorktree: string | undefined;
  /** The worktree the Operator gave the story (maybe one a finished story gave back); held until the story ends. */
  readonly worktree: string | undefined;
  /** The requestId of the Operator answer the story waits for. */
  readonly awaiting: string | undefined;
  /** The process (and process group) of the agent turn last started: what a resume stops first. */
  readonly agentPid: number | undefined;
  readonly purpose: AgentPurpose;
  /** The Surgeon's guidance for a retried story; empty otherwise. */
  readonly guidance: string;
  /** Warnings not yet delivered, and the ones the current turn carries. */
  readonly warnings: readonly CollisionWarning[];
  readonly turnWarnings: readonly CollisionWarning[];
  /** Live messages told to its agents so far, against the budget. */
  readonly told: number;
  /** Keys of the live messages the story heard or holds, so none is said twice. */
  readonly heard: readonly string[];
  /** Live messages waiting for the next prompt, and the texts the current turn's prompt carries. */
  readonly withheld: readonly LiveMessage[];
  readonly turnNotices: readonly string[];
  readonly attempts: number;
  /** Turns of the story's earlier runs (a replan sent it back): its turns number on from them. */
  readonly attemptsBefore: number;
  readonly transientFailures: number;
  readonly conflictRounds: number;
  readonly conflict: { readonly files: readonly string[]; readonly onto: string } | undefined;
  readonly retryAt: number | undefined;
  readonly reason: string | undefined;
  readonly agentMs: number;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly files: readonly string[];
  readonly sha: string | undefined;
  readonly denials: readonly string[];
  /** Feedback turns given after failing verdicts; the next review is round `revisions + 1`. */
  readonly revisions: number;
  /** The Auditor's results in the story's worktree, latest round. */
  readonly evidence: readonly VerifyResult[];
  /** The Critic's latest verdict. */
  readonly verdict: Verdict | undefined;
  /** Set on reaching done or failed; the machine's output. */
  readonly result: StoryResult | undefined;
}

/** The systemId a story is registered under, and the address Operator answers come to. */
export const storySystemId = (storyId: string) => `story:${storyId}`;

export function accrue(context: StoryContext, result: SessionSummary): Partial<StoryContext> {
  return {
    agentMs: context.agentMs + result.durationMs,
    costUsd: context.costUsd + result.costUsd,
    inputTokens: context.inputTokens + result.usage.inputTokens,
    outputTokens: context.outputTokens + result.usage.outputTokens,
    sessionId: result.sessionId ?? context.sessionId,
  };
}

export function outcomeText(result: SessionSummary): string {
  const { outcome } = result;
  if ('text' in outcome && outcome.text) return `${outcome.kind}: ${outcome.text}`;
  if (outcome.kind === 'killed')
    return `agent process ended without a result${outcome.signal ? ` (${outcome.signal})` : ''}`;
  return outcome.kind;
}

export function resultOf(
  context: StoryContext,
  status: StoryResult['status'],
  failedIn?: StoryResult['failedIn'],
): StoryResult {
  return {
    storyId: context.storyId,
    status,
    reason: context.reason,
    attempts: context.attempts,
    agentMs: context.agentMs,
    costUsd: context.costUsd,
    inputTokens: context.inputTokens,
    outputTokens: context.outputTokens,
    files: context.files,
    sha: context.sha,
    sessionId: context.sessionId,
    worktree: context.worktree,
    denials: context.denials,
    ...(failedIn === undefined ? {} : { failedIn }),
  };
}

/** The story's current turn counted over all its runs: what its events and its attempt log are numbered by. */
export const turnNumber = (context: StoryContext): number => context.attemptsBefore + context.attempts;

export function sessionInput(context: StoryContext): AgentSessionInput {
  return {
    storyId: context.storyId,
    story: context.story,
    purpose: context.purpose,
    attempt: turnNumber(context),
    sessionId: context.sessionId,
    brief: context.brief,
    dependencies: context.dependencies,
    warnings: context.turnWarnings,
    conflict: context.conflict,
    reason: context.reason,
    guidance: context.guidance,
    review:
      context.purpose === 'feedback' && context.verdict !== undefined
        ? {
            round: context.revisions,
            verdict: context.verdict,
            failing: context.evidence.filter((result) => result.status === 'failed'),
          }
        : undefined,
    notices: context.turnNotices,
    worktree: context.worktree,
  };
}

export function criticInput(context: StoryContext): CriticInput {
  return {
    storyId: context.storyId,
    story: context.story,
    round: context.revisions + 1,
    attempt: turnNumber(context),
    evidence: context.evidence,
    denials: context.denials,
    limits: {
      transientRetries: context.limits.transientRetries,
      ...(context.limits.quotaMarginMs === undefined ? {} : { quotaMarginMs: context.limits.quotaMarginMs }),
    },
    worktree: context.worktree,
  };
}

/** Why a git step failed the story, from the Operator's answer. */
export function gitFailureText(event: StoryEvent): string {
  if (event.type === 'operator.failed') return `git: ${event.message}`;
  if (event.type === 'operator.done' && event.result.kind === 'committed')
    return 'the agent finished without changing any file';
  if (event.type === 'operator.done' && (event.result.kind === 'conflict' || event.result.kind === 'unresolved'))
    return `merge conflict not resolved after the allowed rounds: ${event.result.files.join(', ')}`;
  return 'unexpected git result';
}

/** A message the story has neither heard nor holds. */
export function isNews(context: StoryContext, message: LiveMessage): boolean {
  return !context.heard.includes(message.key) && !context.withheld.some((held) => held.key === message.key);
}

export function liveBudgetLeft(context: StoryContext): boolean {
  return context.told < (context.limits.liveMessages ?? DEFAULT_LIVE_MESSAGES);
}

/** Why the worktree setup failed, from its actor's done or error event; undefined when it succeeded. */
export function setupFailureText(event: { readonly type: string }): string | undefined {
  if ('output' in event) {
    const output = event.output as WorktreeSetupOutput;
    return output.kind === 'failed' ? output.reason : undefined;
  }
  if ('error' in event) {
    return `worktree setup failed: ${event.error instanceof Error ? event.error.message : String(event.error)}`;
  }
  return undefined;
}
