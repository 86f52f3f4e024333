// Shapes the statecharts exchange; services produce structurally compatible data, actors connect the two.

export interface StoryDef {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly dependsOn: readonly string[];
  readonly acceptance: readonly string[];
  readonly writes?: readonly string[] | undefined;
  readonly tier?: 'light' | 'standard' | 'heavy' | undefined;
}

/** A plan the Run can execute: structurally the plan file of docs/cli.md, already validated. */
export interface PlanDef {
  readonly goal: string;
  readonly branch?: string | undefined;
  readonly stories: readonly StoryDef[];
}

/** A validated plan with its levels (story ids per level, in run order). */
export interface Proposal {
  readonly plan: PlanDef;
  readonly levels: readonly (readonly string[])[];
}

export interface CollisionWarning {
  readonly path: string;
  readonly stories: readonly string[];
}

export interface MergedDependency {
  readonly id: string;
  readonly title: string;
  readonly files: readonly string[];
}

/** How one agent process ended, as far as a story's lifecycle cares. */
export type SessionOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'denied'; readonly denials: readonly { readonly tool: string }[] }
  | { readonly kind: 'usage_limit'; readonly resetsAt?: number; readonly limitKind?: string; readonly text: string }
  | { readonly kind: 'transient'; readonly status: number | null; readonly text: string }
  | { readonly kind: 'max_turns' | 'budget' | 'auth' | 'startup_failure' | 'error'; readonly text: string }
  | { readonly kind: 'killed'; readonly signal?: string; readonly exitCode?: number };

export interface SessionSummary {
  readonly outcome: SessionOutcome;
  readonly sessionId: string | undefined;
  readonly costUsd: number;
  readonly durationMs: number;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
}

/** Every mutation of the shared repository, as data the Operator queues. */
export type GitOp =
  | { readonly kind: 'integration.create' }
  | {
      readonly kind: 'story.worktree';
      readonly storyId: string;
      /** The pooled worktree the Operator gave the story and git could not switch: retired, another one taken. */
      readonly unswitched?: string | undefined;
      /** The worktree its session ran in (a story a replan sends back): taken first when free, so the session goes on. */
      readonly prefer?: string | undefined;
    }
  | {
      readonly kind: 'story.commit';
      readonly storyId: string;
      readonly worktree?: string | undefined;
      readonly message: string;
    }
  | {
      readonly kind: 'story.merge';
      readonly storyId: string;
      readonly worktree?: string | undefined;
      readonly message: string;
    }
  | {
      readonly kind: 'story.continue';
      readonly storyId: string;
      readonly worktree?: string | undefined;
      readonly message: string;
    }
  /** A finished story's worktree back to the pool; a failed story's leftovers are committed on its branch first. */
  | {
      readonly kind: 'story.release';
      readonly storyId: string;
      readonly worktree: string;
      readonly outcome: 'merged' | 'failed';
      readonly reason: string;
    }
  /** A pooled worktree the Operator gave the story, switched to the story's branch at the integration head. */
  | {
      readonly kind: 'worktree.switch';
      readonly storyId: string;
      readonly worktree: string;
      /** Untracked files may be left there (`PooledWorktree.mayHoldStrays`): `git clean` first. */
      readonly clean: boolean;
    }
  /** The end of a run: failed stories' leftovers kept on their branches, the run's worktrees let go. */
  | {
      readonly kind: 'cleanup';
      readonly merged: readonly string[];
      readonly failed: readonly { readonly storyId: string; readonly reason: string }[];
    }
  | { readonly kind: 'push' }
  /** After a push rejected because the remote's branch moved: fetch it and rebase the run's branch onto it. */
  | {
      readonly kind: 'push.catchUp';
      /** The rebased branch stays checked out in the integration worktree, for the final gate to run on it again. */
      readonly keepWorktree?: boolean | undefined;
    }
  /** After the push (or without one): merged stories' branches go, their merges being on the integration branch. */
  | { readonly kind: 'branches.delete'; readonly storyIds: readonly string[] };

/** A worktree a finished story gave back, for the next story to switch to its own branch. */
export interface PooledWorktree {
  readonly path: string;
  /** Untracked files that are not ignored may be left: the next story's switch runs `git clean`. */
  readonly mayHoldStrays: boolean;
}

/** The run's story worktrees: which live story holds which, and which finished stories gave back for the next. */
export interface WorktreePoolState {
  /** Given back, the most recently returned last. */
  readonly free: readonly PooledWorktree[];
  /** The worktree each live story holds, by story id. */
  readonly held: Readonly<Record<string, string>>;
  /** Worktrees never to reuse (git could not switch them): deleted at the end of the run. */
  readonly retired: readonly string[];
}

/** One operation and the integration branch it works against. */
export interface GitOpInput {
  readonly op: GitOp;
  readonly branch: string;
  /** The worktree pool as the Operator keeps it, for the ops that take, give back or let go of worktrees. */
  readonly pool?: WorktreePoolState | undefined;
}

export type GitOpResult =
  | { readonly kind: 'ok'; readonly sha?: string }
  /** The story's worktree: a pooled one switched to its branch, or a new one. */
  | { readonly kind: 'worktree'; readonly path: string }
  /** `files`: what the story's branch changes against the integration branch; none means nothing was done. */
  | { readonly kind: 'committed'; readonly sha: string; readonly files: readonly string[] }
  | { readonly kind: 'merged'; readonly sha: string }
  | { readonly kind: 'conflict'; readonly files: readonly string[]; readonly onto: string }
  | { readonly kind: 'unresolved'; readonly files: readonly string[]; readonly onto: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'pushed' }
  /** The push was rejected because the remote's branch has commits the run's lacks. */
  | { readonly kind: 'behind'; readonly message: string }
  /** The stories whose branches were deleted; a branch that was not merged is never among them. */
  | { readonly kind: 'deleted'; readonly storyIds: readonly string[] };

/** What a git op's actor ends with: its answer, and the worktree pool after it when the op changed the pool. */
export type GitOpOutput = GitOpResult & { readonly pool?: WorktreePoolState | undefined };

export interface OperatorRequest {
  readonly type: 'operator.request';
  readonly requestId: string;
  readonly op: GitOp;
  /** The requester's systemId (a restored tree keeps its names, never its actor refs); undefined when nobody waits
   * for the answer (a finished story giving back its worktree). */
  readonly replyTo: string | undefined;
}

export type OperatorReply =
  | { readonly type: 'operator.done'; readonly requestId: string; readonly result: GitOpResult }
  | { readonly type: 'operator.failed'; readonly requestId: string; readonly message: string };

/** The run's summary: the PR's title and body, also written to `report.md`, and the timing it states. */
export interface RunReport {
  readonly title: string;
  readonly body: string;
  readonly path: string;
  readonly timing: { readonly wallMs: number; readonly planMs: number; readonly agentMsTotal: number };
}

/** What the pull-request step came to; `skipped` and `failed` say why. */
export type PullRequestOutcome =
  | { readonly status: 'opened' | 'updated'; readonly url: string; readonly number: number }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'failed'; readonly error: string };

/** The branch a run works on. */
export interface RunBranch {
  readonly branch: string;
  /** The branch's head when the run continues an existing branch; undefined for a new branch. */
  readonly continuedFrom: string | undefined;
}

/** One verification command's end; `notRun` when it could not start (a missing tool): never a pass, never a fail. */
export interface VerifyResult {
  readonly command: string;
  readonly status: 'passed' | 'failed' | 'notRun';
  /** Null when the command did not run, or a signal or the timeout ended it. */
  readonly exitCode: number | null;
  readonly durationMs: number;
  /** Its output cut to its first and last lines (outputExcerpt), or why it did not run. */
  readonly tail: string;
  readonly timedOut?: boolean | undefined;
}

/** What the checks of one worktree came to: `skipped` when none ran. */
export type VerifyStatus = 'passed' | 'failed' | 'skipped';

/** Where the Auditor checks: a story's worktree (evidence), the integration branch after a level, or before publishing. */
export type AuditTarget =
  | {
      readonly kind: 'story';
      readonly storyId: string;
      readonly round: number;
      /** The worktree the story holds (a pooled one is named after an earlier story); undefined: its own folder. */
      readonly worktree?: string | undefined;
    }
  | { readonly kind: 'integration'; readonly level: number }
  | { readonly kind: 'final' };

/** The Conductor's gate between levels: the Auditor's checks on the integration branch. */
export interface IntegrationGateOutput {
  readonly status: VerifyStatus;
  readonly results: readonly VerifyResult[];
}

/** The Critic's judgement of one story against its acceptance criteria. */
export interface Verdict {
  readonly verdict: 'pass' | 'fail';
  readonly reasons: readonly string[];
  readonly unmetCriteria: readonly string[];
}
