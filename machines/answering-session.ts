// What the Planner and the Surgeon share: one Claude session whose answer is checked, repaired in the same session
// while the repair budget lasts, paused by usage limits and backed off after transient failures.
import { quotaDeadline, retryDelayMs } from './story-policy.js';
import { outcomeText } from './story-context.js';
import type { SessionSummary } from './types.js';

/** A turn's end and its answer, already checked by the participant's schema and rules. */
export interface AnsweredTurn<Answer> {
  readonly summary: SessionSummary;
  readonly endedAt: number;
  readonly answer: { readonly ok: true; readonly proposal: Answer } | { readonly ok: false; readonly issues: string[] };
}

export interface SessionLimits {
  readonly repairs: number;
  readonly transientRetries: number;
  /** How long past an announced usage-limit reset to wait (quota.marginSeconds); QUOTA_MARGIN_MS when unset. */
  readonly quotaMarginMs?: number;
}

/** The session's counters and its pending wait; a participant's context extends it. */
export interface SessionBudget {
  readonly limits: SessionLimits;
  readonly turns: number;
  readonly repairs: number;
  readonly transientFailures: number;
  readonly sessionId: string | undefined;
  readonly retryAt: number | undefined;
  readonly reason: string | undefined;
  readonly costUsd: number;
}

export const freshBudget = {
  turns: 0,
  repairs: 0,
  transientFailures: 0,
  retryAt: undefined,
  reason: undefined,
  costUsd: 0,
} as const;

/** The model answered; whether the answer is usable is a separate question. */
export const finished = (turn: AnsweredTurn<unknown>): boolean =>
  turn.summary.outcome.kind === 'ok' || turn.summary.outcome.kind === 'denied';

export const answered = (turn: AnsweredTurn<unknown>): boolean => finished(turn) && turn.answer.ok;

export const hitUsageLimit = (turn: AnsweredTurn<unknown>): boolean => turn.summary.outcome.kind === 'usage_limit';

export const mayRetry = (budget: SessionBudget, turn: AnsweredTurn<unknown>): boolean =>
  ['transient', 'killed'].includes(turn.summary.outcome.kind) &&
  budget.transientFailures < budget.limits.transientRetries;

export const mayRepair = (budget: SessionBudget, turn: AnsweredTurn<unknown>): boolean =>
  finished(turn) && budget.repairs < budget.limits.repairs;

export const issuesOf = (turn: AnsweredTurn<unknown>): string[] => (turn.answer.ok ? [] : turn.answer.issues);

export const proposalOf = <Answer>(turn: AnsweredTurn<Answer>): Answer | undefined =>
  turn.answer.ok ? turn.answer.proposal : undefined;

/** What every turn adds to the budget, whatever its outcome. */
export const accrued = (budget: SessionBudget, turn: AnsweredTurn<unknown>) => ({
  costUsd: budget.costUsd + turn.summary.costUsd,
  sessionId: turn.summary.sessionId ?? budget.sessionId,
});

export const retryScheduled = (budget: SessionBudget, turn: AnsweredTurn<unknown>) => ({
  transientFailures: budget.transientFailures + 1,
  retryAt: turn.endedAt + retryDelayMs(budget.transientFailures),
  reason: outcomeText(turn.summary),
});

export function quotaWaitScheduled(budget: SessionBudget, turn: AnsweredTurn<unknown>) {
  const { outcome } = turn.summary;
  const resetsAt = outcome.kind === 'usage_limit' ? outcome.resetsAt : undefined;
  return {
    retryAt: quotaDeadline(resetsAt, turn.endedAt, budget.limits.quotaMarginMs),
    reason: outcomeText(turn.summary),
  };
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The two waits between turns; both ask again when they end. */
export const waitingStates = {
  backingOff: {
    entry: 'emitRetry',
    invoke: {
      id: 'backoff',
      src: 'sleepUntil',
      input: ({ context }: { context: SessionBudget }) => ({ until: context.retryAt ?? 0 }),
      onDone: 'asking',
    },
  },
  waitingForQuota: {
    entry: 'emitPaused',
    exit: 'emitResumed',
    invoke: {
      id: 'quota',
      src: 'sleepUntil',
      input: ({ context }: { context: SessionBudget }) => ({ until: context.retryAt ?? 0 }),
      onDone: 'asking',
    },
  },
} as const;
