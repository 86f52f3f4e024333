// The Planner: one read-only Claude session that turns the goal into a plan, repairs what breaks the rules, and
// revises on feedback; usage limits and transient failures pause the session, which then continues.
import { assertEvent, assign, emit, fromPromise, setup } from 'xstate';
import type { Proposal } from './types.js';
import { outcomeText } from './story-context.js';
import type { AnsweredTurn, SessionBudget, SessionLimits } from './answering-session.js';
import {
  accrued,
  answered,
  errorText,
  finished,
  freshBudget,
  hitUsageLimit,
  issuesOf,
  mayRepair,
  mayRetry,
  proposalOf,
  quotaWaitScheduled,
  retryScheduled,
  waitingStates,
} from './answering-session.js';

export type PlannerPurpose = 'draft' | 'repair' | 'refine';

export interface PlannerInput {
  readonly goal: string;
  /** The Cartographer's bounded description of the repository. */
  readonly repoSummary: string;
  /** The session of an earlier plan, continued to revise it; undefined starts a new one. */
  readonly sessionId: string | undefined;
  /** What the person asked to change in the earlier plan; undefined drafts one. */
  readonly feedback: string | undefined;
  readonly limits: SessionLimits;
}

/** Everything one planner turn needs to build its prompt and argv. */
export interface PlannerTurnInput {
  readonly purpose: PlannerPurpose;
  /** 1-based count of this planner's turns. */
  readonly turn: number;
  readonly goal: string;
  readonly repoSummary: string;
  readonly sessionId: string | undefined;
  readonly issues: readonly string[];
  readonly feedback: string | undefined;
}

/** A turn's end and its answer, already checked against the plan schema and the graph rules. */
export type PlannerTurnOutput = AnsweredTurn<Proposal>;

export type PlannerOutput =
  | { readonly status: 'ready'; readonly proposal: Proposal; readonly sessionId: string | undefined }
  | { readonly status: 'invalid'; readonly issues: readonly string[] }
  | { readonly status: 'failed'; readonly reason: string };

export type PlannerEmitted =
  | { type: 'planner.started'; purpose: PlannerPurpose; turn: number }
  | { type: 'planner.rejected'; issues: readonly string[]; repair: number }
  | { type: 'planner.retry'; reason: string; at: number }
  | { type: 'planner.paused'; until: number }
  | { type: 'planner.resumed' };

export interface PlannerContext extends PlannerInput, SessionBudget {
  readonly purpose: PlannerPurpose;
  readonly issues: readonly string[];
  readonly proposal: Proposal | undefined;
}

type PlannerEvent = { type: 'xstate.done.actor.turn'; output: PlannerTurnOutput };

function turnOf(event: PlannerEvent): PlannerTurnOutput {
  assertEvent(event, 'xstate.done.actor.turn');
  return event.output;
}

export const plannerMachine = setup({
  types: {
    context: {} as PlannerContext,
    events: {} as PlannerEvent,
    input: {} as PlannerInput,
    output: {} as PlannerOutput,
    emitted: {} as PlannerEmitted,
  },
  actors: {
    plannerTurn: fromPromise<PlannerTurnOutput, PlannerTurnInput>(() => {
      throw new Error('plannerTurn not provided');
    }),
    sleepUntil: fromPromise<void, { until: number }>(() => {
      throw new Error('sleepUntil not provided');
    }),
  },
  guards: {
    answered: ({ event }) => answered(turnOf(event)),
    usageLimit: ({ event }) => hitUsageLimit(turnOf(event)),
    retryable: ({ context, event }) => mayRetry(context, turnOf(event)),
    canRepair: ({ context, event }) => mayRepair(context, turnOf(event)),
    rejected: ({ event }) => finished(turnOf(event)),
  },
  actions: {
    startTurn: assign({ turns: ({ context }) => context.turns + 1 }),
    emitStarted: emit(({ context }) => ({
      type: 'planner.started' as const,
      purpose: context.purpose,
      turn: context.turns,
    })),
    accrue: assign(({ context, event }) => accrued(context, turnOf(event))),
    recordProposal: assign({ proposal: ({ event }) => proposalOf(turnOf(event)) }),
    recordIssues: assign({ issues: ({ event }) => issuesOf(turnOf(event)) }),
    scheduleRepair: assign({ purpose: 'repair', repairs: ({ context }) => context.repairs + 1 }),
    emitRejected: emit(({ context }) => ({
      type: 'planner.rejected' as const,
      issues: context.issues,
      repair: context.repairs,
    })),
    scheduleRetry: assign(({ context, event }) => retryScheduled(context, turnOf(event))),
    scheduleQuotaWait: assign(({ context, event }) => quotaWaitScheduled(context, turnOf(event))),
    failWithOutcome: assign({ reason: ({ event }) => outcomeText(turnOf(event).summary), issues: [] }),
    emitRetry: emit(({ context }) => ({
      type: 'planner.retry' as const,
      reason: context.reason ?? '',
      at: context.retryAt ?? 0,
    })),
    emitPaused: emit(({ context }) => ({ type: 'planner.paused' as const, until: context.retryAt ?? 0 })),
    emitResumed: emit({ type: 'planner.resumed' as const }),
  },
}).createMachine({
  id: 'planner',
  context: ({ input }) => ({
    ...input,
    ...freshBudget,
    purpose: input.feedback === undefined ? 'draft' : 'refine',
    issues: [],
    proposal: undefined,
  }),
  initial: 'asking',
  states: {
    asking: {
      entry: ['startTurn', 'emitStarted'],
      invoke: {
        id: 'turn',
        src: 'plannerTurn',
        input: ({ context }) => ({
          purpose: context.purpose,
          turn: context.turns,
          goal: context.goal,
          repoSummary: context.repoSummary,
          sessionId: context.sessionId,
          issues: context.issues,
          feedback: context.feedback,
        }),
        onDone: [
          { guard: 'answered', target: 'ready', actions: ['accrue', 'recordProposal'] },
          { guard: 'usageLimit', target: 'waitingForQuota', actions: ['accrue', 'scheduleQuotaWait'] },
          { guard: 'retryable', target: 'backingOff', actions: ['accrue', 'scheduleRetry'] },
          {
            guard: 'canRepair',
            target: 'asking',
            reenter: true,
            actions: ['accrue', 'recordIssues', 'scheduleRepair', 'emitRejected'],
          },
          { guard: 'rejected', target: 'invalid', actions: ['accrue', 'recordIssues'] },
          { target: 'failed', actions: ['accrue', 'failWithOutcome'] },
        ],
        onError: {
          target: 'failed',
          actions: assign({ reason: ({ event }) => errorText(event.error), issues: [] }),
        },
      },
    },
    ...waitingStates,
    ready: { type: 'final' },
    invalid: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }): PlannerOutput => {
    if (context.proposal !== undefined)
      return { status: 'ready', proposal: context.proposal, sessionId: context.sessionId };
    if (context.issues.length > 0) return { status: 'invalid', issues: context.issues };
    return { status: 'failed', reason: context.reason ?? 'the planner stopped without a plan' };
  },
});
