// The Planner: one read-only Claude session that turns the goal into a plan, repairs what breaks the rules, and
// revises on feedback; usage limits and transient failures pause the session, which then continues.
import { assertEvent, assign, emit, fromPromise, setup } from 'xstate';
import { quotaDeadline, retryDelayMs } from './story-policy.js';
import type { Proposal, SessionSummary } from './types.js';
import { outcomeText } from './story-context.js';

export type PlannerPurpose = 'draft' | 'repair' | 'refine';

export interface PlannerInput {
  readonly goal: string;
  /** The Cartographer's bounded description of the repository. */
  readonly repoSummary: string;
  /** The session of an earlier plan, continued to revise it; undefined starts a new one. */
  readonly sessionId: string | undefined;
  /** What the person asked to change in the earlier plan; undefined drafts one. */
  readonly feedback: string | undefined;
  readonly limits: { readonly repairs: number; readonly transientRetries: number };
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
export interface PlannerTurnOutput {
  readonly summary: SessionSummary;
  readonly endedAt: number;
  readonly answer:
    { readonly ok: true; readonly proposal: Proposal } | { readonly ok: false; readonly issues: string[] };
}

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

interface PlannerContext extends PlannerInput {
  readonly purpose: PlannerPurpose;
  readonly turns: number;
  readonly repairs: number;
  readonly transientFailures: number;
  readonly issues: readonly string[];
  readonly retryAt: number | undefined;
  readonly reason: string | undefined;
  readonly proposal: Proposal | undefined;
  readonly costUsd: number;
}

type PlannerEvent = { type: 'xstate.done.actor.turn'; output: PlannerTurnOutput };

function turnOf(event: PlannerEvent): PlannerTurnOutput {
  assertEvent(event, 'xstate.done.actor.turn');
  return event.output;
}

const outcomeOf = (event: PlannerEvent) => turnOf(event).summary.outcome;
// The model answered; whether the answer is a valid plan is a separate question.
const finished = (event: PlannerEvent) => outcomeOf(event).kind === 'ok' || outcomeOf(event).kind === 'denied';

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
    answered: ({ event }) => finished(event) && turnOf(event).answer.ok,
    usageLimit: ({ event }) => outcomeOf(event).kind === 'usage_limit',
    retryable: ({ context, event }) =>
      ['transient', 'killed'].includes(outcomeOf(event).kind) &&
      context.transientFailures < context.limits.transientRetries,
    canRepair: ({ context, event }) => finished(event) && context.repairs < context.limits.repairs,
    rejected: ({ event }) => finished(event),
  },
  actions: {
    startTurn: assign({ turns: ({ context }) => context.turns + 1 }),
    emitStarted: emit(({ context }) => ({
      type: 'planner.started' as const,
      purpose: context.purpose,
      turn: context.turns,
    })),
    accrue: assign(({ context, event }) => {
      const { summary } = turnOf(event);
      return { costUsd: context.costUsd + summary.costUsd, sessionId: summary.sessionId ?? context.sessionId };
    }),
    recordProposal: assign({
      proposal: ({ event }) => {
        const { answer } = turnOf(event);
        return answer.ok ? answer.proposal : undefined;
      },
    }),
    recordIssues: assign({
      issues: ({ event }) => {
        const { answer } = turnOf(event);
        return answer.ok ? [] : answer.issues;
      },
    }),
    scheduleRepair: assign({ purpose: 'repair', repairs: ({ context }) => context.repairs + 1 }),
    emitRejected: emit(({ context }) => ({
      type: 'planner.rejected' as const,
      issues: context.issues,
      repair: context.repairs,
    })),
    scheduleRetry: assign(({ context, event }) => {
      const { summary, endedAt } = turnOf(event);
      return {
        transientFailures: context.transientFailures + 1,
        retryAt: endedAt + retryDelayMs(context.transientFailures),
        reason: outcomeText(summary),
      };
    }),
    scheduleQuotaWait: assign(({ event }) => {
      const { summary, endedAt } = turnOf(event);
      const resetsAt = summary.outcome.kind === 'usage_limit' ? summary.outcome.resetsAt : undefined;
      return { retryAt: quotaDeadline(resetsAt, endedAt), reason: outcomeText(summary) };
    }),
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
    purpose: input.feedback === undefined ? 'draft' : 'refine',
    turns: 0,
    repairs: 0,
    transientFailures: 0,
    issues: [],
    retryAt: undefined,
    reason: undefined,
    proposal: undefined,
    costUsd: 0,
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
          actions: assign({
            reason: ({ event }) => (event.error instanceof Error ? event.error.message : String(event.error)),
            issues: [],
          }),
        },
      },
    },
    backingOff: {
      entry: 'emitRetry',
      invoke: {
        id: 'backoff',
        src: 'sleepUntil',
        input: ({ context }) => ({ until: context.retryAt ?? 0 }),
        onDone: 'asking',
      },
    },
    waitingForQuota: {
      entry: 'emitPaused',
      exit: 'emitResumed',
      invoke: {
        id: 'quota',
        src: 'sleepUntil',
        input: ({ context }) => ({ until: context.retryAt ?? 0 }),
        onDone: 'asking',
      },
    },
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
