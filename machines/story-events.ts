// The story machine's vocabulary: what its agent session reports, what it tells others, what it returns.
import type { ToolObservation } from './knowledge.js';
import type { AuditorOutput } from './auditor.js';
import type { CriticOutput, CriticParentEvent } from './critic.js';
import type {
  CollisionWarning,
  MergedDependency,
  OperatorReply,
  SessionSummary,
  StoryDef,
  Verdict,
  VerifyResult,
} from './types.js';
import type { LibrarianReply } from './librarian.js';
import type { LiveKind, LiveMessage, LiveSource, StoryTellEvent } from './live.js';

/**
 * `guided`: the first turn of a story a replan sent back, with the Surgeon's guidance; `feedback`: the Critic's failing
 * verdict goes back to the story's own session.
 */
export type AgentPurpose = 'story' | 'retry' | 'resolve' | 'guided' | 'feedback';

/** What a feedback turn tells the agent: the verdict and the checks that failed. */
export interface ReviewFeedback {
  readonly round: number;
  readonly verdict: Verdict;
  readonly failing: readonly VerifyResult[];
}

/** Everything an agent session actor needs to build its prompt and argv. */
export interface AgentSessionInput {
  readonly storyId: string;
  readonly story: StoryDef;
  readonly purpose: AgentPurpose;
  readonly attempt: number;
  readonly sessionId: string | undefined;
  readonly brief: string;
  readonly dependencies: readonly MergedDependency[];
  readonly warnings: readonly CollisionWarning[];
  readonly conflict: { readonly files: readonly string[]; readonly onto: string } | undefined;
  readonly reason: string | undefined;
  /** The Surgeon's guidance when a replan sent the story back; empty otherwise. */
  readonly guidance: string;
  readonly review: ReviewFeedback | undefined;
  /** Live messages that could not be said while an agent worked, for this turn's prompt. */
  readonly notices: readonly string[];
  /** The story's worktree, where its agent runs; undefined for a story restored from before the pool. */
  readonly worktree: string | undefined;
}

/** What a story's worktree setup needs: whose worktree, and where it is. */
export interface WorktreeSetupRequest {
  readonly storyId: string;
  readonly worktree: string | undefined;
}

/** What the story sends its running agent session: a message to write into the session now. */
export interface AgentTellEvent {
  readonly type: 'agent.tell';
  readonly message: LiveMessage;
}

/** What readying a new worktree (copied files, setup commands) came to; `reason` carries the output's tail. */
export type WorktreeSetupOutput = { readonly kind: 'ok' } | { readonly kind: 'failed'; readonly reason: string };

export type AgentSessionEvent =
  /** The agent's process started; it leads its own process group. */
  | { type: 'agent.spawned'; pid: number }
  /** A turn restored after a crash or a stop: its session continued (`--resume`), or the turn started over. */
  | { type: 'agent.restored'; how: 'continued' | 'restarted'; sessionId: string | undefined }
  | { type: 'agent.session'; sessionId: string }
  | { type: 'agent.tool'; observation: ToolObservation }
  | { type: 'agent.touch'; paths: readonly string[] }
  /** `rule`: the denied call as a permission rule (`Bash(make lint)`), for the Critic and the report. */
  | { type: 'agent.denied'; tool: string; message: string; rule: string }
  /** A live message was written into the session. */
  | { type: 'agent.message.sent'; uuid: string; message: LiveMessage }
  /** It reached the model (folded into the running turn, or a turn of its own), `latencyMs` after it was written. */
  | { type: 'agent.message.delivered'; uuid: string; latencyMs: number }
  /** It could not be said (the session was ending) or never reached the model: it waits for the next prompt. */
  | { type: 'agent.message.bounced'; message: LiveMessage }
  /** The subscription warned that its quota is running low: `utilization` of it used, reset at `resetsAt` (epoch s). */
  | { type: 'agent.quota.warning'; utilization: number; resetsAt: number }
  /** `endedAt` (epoch ms) lets the machine compute retry deadlines without reading a clock. */
  | { type: 'agent.exited'; result: SessionSummary; endedAt: number };

export type StoryEvent =
  | AgentSessionEvent
  | OperatorReply
  | LibrarianReply
  | StoryTellEvent
  | CriticParentEvent
  | { type: 'xstate.done.actor.auditor'; output: AuditorOutput }
  | { type: 'xstate.done.actor.critic'; output: CriticOutput }
  | StoryVetoEvent
  | { type: 'story.slot.granted' }
  | { type: 'RESUME' };

/** A participant's answer at the story's veto hook, through the Herald. */
export type StoryVetoEvent = { type: 'story.veto'; by: string; reason: string } | { type: 'story.veto.cleared' };

export interface StoryResult {
  readonly storyId: string;
  readonly status: 'merged' | 'failed';
  readonly reason?: string | undefined;
  readonly attempts: number;
  readonly agentMs: number;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly files: readonly string[];
  readonly sha?: string | undefined;
  readonly sessionId?: string | undefined;
  /** The worktree the story's session ran in: `claude --resume` finds a session only from the cwd it ran in. */
  readonly worktree?: string | undefined;
  readonly denials: readonly string[];
  /** A failed story whose worktree setup failed: the configuration's command, which no replan of the story can fix. */
  readonly failedIn?: 'setup' | undefined;
}

/** Sent to the parent (the Conductor); the story's end reaches it as `xstate.done.actor.<id>` with a StoryResult. */
export type StoryParentEvent =
  /** The agent's turn is over (committing and merging need no agent slot). */
  | { type: 'story.slot.released'; storyId: string }
  /** The story's worktree is ready, or it needs its agent again (a conflict to resolve): it waits for a slot. */
  | { type: 'story.slot.requested'; storyId: string }
  /** The story's agent starts a turn of its work (its first, or one after a pause). */
  | { type: 'story.agent.started'; storyId: string }
  | { type: 'story.quota.paused'; storyId: string; until: number }
  | { type: 'story.quota.resumed'; storyId: string }
  /** The story's agent heard a quota warning; `until` is its reset plus the margin (epoch ms). */
  | { type: 'story.quota.warning'; storyId: string; utilization: number; until: number };

export type StoryEmitted =
  | { type: 'story.started'; storyId: string; attempt: number; purpose: AgentPurpose }
  /** The story's new worktree gets its configured files and setup commands before its agent starts. */
  | { type: 'story.setup'; storyId: string }
  | {
      type: 'story.tool';
      storyId: string;
      kind: ToolObservation['kind'];
      name: string;
      paths: readonly string[];
      command?: string | undefined;
      ok: boolean;
    }
  | { type: 'story.committed'; storyId: string; sha: string; files: readonly string[] }
  | { type: 'story.conflict'; storyId: string; files: readonly string[]; round: number }
  /** At the veto hook: committed and about to merge; a participant may still veto it. */
  | { type: 'story.merging'; storyId: string; sha: string; files: readonly string[] }
  | { type: 'story.merged'; storyId: string; sha: string; files: readonly string[] }
  | { type: 'story.failed'; storyId: string; reason: string }
  | { type: 'story.retry'; storyId: string; reason: string; at: number }
  /** The turn in flight when the run stopped, taken up again on `baro resume`. */
  | { type: 'story.resumed'; storyId: string; how: 'continued' | 'restarted'; sessionId: string | undefined }
  /** `rule`: the call as a permission rule (`Bash(make lint)`) that `agent.allowedTools` could allow. */
  | { type: 'story.denied'; storyId: string; tool: string; message: string; rule: string }
  | { type: 'message.sent'; storyId: string; from: LiveSource; kind: LiveKind; uuid: string }
  | { type: 'message.delivered'; storyId: string; uuid: string; latencyMs: number }
  /** Over the story's budget, or no agent at work: it goes into the story's next prompt, if it has one. */
  | { type: 'message.withheld'; storyId: string; from: LiveSource; kind: LiveKind }
  | { type: 'quota.paused'; storyId: string; until: number; limitKind?: string | undefined }
  | { type: 'quota.resumed'; storyId: string };
