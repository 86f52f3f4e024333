// The Surgeon: one Claude session that turns a failure (a story, or the integration gate) into a proposal — retry
// with guidance, split, fix or drop — repairs an answer that breaks the plan's rules, and waits out usage limits.
import { assertEvent, assign, emit, fromPromise, setup } from 'xstate';
import { caseSubject } from './surgery.js';
import type { PlanState, SurgeonCase, SurgeonProposal } from './surgery.js';
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

export interface SurgeonInput {
  readonly case: SurgeonCase;
  readonly plan: PlanState;
  readonly limits: SessionLimits;
}

/** Everything one Surgeon turn needs to build its prompt and argv. */
export interface SurgeonTurnInput {
  readonly purpose: 'propose' | 'repair';
  /** 1-based count of this Surgeon's turns. */
  readonly turn: number;
  readonly case: SurgeonCase;
  readonly plan: PlanState;
  readonly sessionId: string | undefined;
  readonly issues: readonly string[];
}

/** A turn's end and its answer, already checked against the answer schema and the plan's rules. */
export type SurgeonTurnOutput = AnsweredTurn<SurgeonProposal>;

export type SurgeonOutput =
  | { readonly status: 'proposed'; readonly proposal: SurgeonProposal; readonly costUsd: number }
  | { readonly status: 'failed'; readonly reason: string; readonly costUsd: number };

export type SurgeonEmitted =
  | { type: 'surgeon.started'; subject: string; purpose: 'propose' | 'repair'; turn: number }
  | { type: 'surgeon.rejected'; subject: string; issues: readonly string[] }
  | { type: 'surgeon.retry'; subject: string; reason: string; at: number }
  | { type: 'surgeon.paused'; subject: string; until: number }
  | { type: 'surgeon.resumed'; subject: string };

export interface SurgeonContext extends SurgeonInput, SessionBudget {
  readonly purpose: 'propose' | 'repair';
  readonly issues: readonly string[];
  readonly proposal: SurgeonProposal | undefined;
}

type SurgeonEvent = { type: 'xstate.done.actor.turn'; output: SurgeonTurnOutput };

function turnOf(event: SurgeonEvent): SurgeonTurnOutput {
  assertEvent(event, 'xstate.done.actor.turn');
  return event.output;
}

export const surgeonMachine = setup({
  types: {
    context: {} as SurgeonContext,
    events: {} as SurgeonEvent,
    input: {} as SurgeonInput,
    output: {} as SurgeonOutput,
    emitted: {} as SurgeonEmitted,
  },
  actors: {
    surgeonTurn: fromPromise<SurgeonTurnOutput, SurgeonTurnInput>(() => {
      throw new Error('surgeonTurn not provided');
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
  },
  actions: {
    startTurn: assign({ turns: ({ context }) => context.turns + 1 }),
    emitStarted: emit(({ context }) => ({
      type: 'surgeon.started' as const,
      subject: caseSubject(context.case),
      purpose: context.purpose,
      turn: context.turns,
    })),
    accrue: assign(({ context, event }) => accrued(context, turnOf(event))),
    recordProposal: assign({ proposal: ({ event }) => proposalOf(turnOf(event)) }),
    scheduleRepair: assign(({ context, event }) => ({
      purpose: 'repair' as const,
      repairs: context.repairs + 1,
      issues: issuesOf(turnOf(event)),
    })),
    emitRejected: emit(({ context }) => ({
      type: 'surgeon.rejected' as const,
      subject: caseSubject(context.case),
      issues: context.issues,
    })),
    scheduleRetry: assign(({ context, event }) => retryScheduled(context, turnOf(event))),
    scheduleQuotaWait: assign(({ context, event }) => quotaWaitScheduled(context, turnOf(event))),
    failWithAnswer: assign({
      reason: ({ event }) => {
        const { answer, summary } = turnOf(event);
        if (!finished(turnOf(event))) return outcomeText(summary);
        return answer.ok ? 'no proposal' : `its answer breaks the rules: ${answer.issues.join('; ')}`;
      },
    }),
    emitRetry: emit(({ context }) => ({
      type: 'surgeon.retry' as const,
      subject: caseSubject(context.case),
      reason: context.reason ?? '',
      at: context.retryAt ?? 0,
    })),
    emitPaused: emit(({ context }) => ({
      type: 'surgeon.paused' as const,
      subject: caseSubject(context.case),
      until: context.retryAt ?? 0,
    })),
    emitResumed: emit(({ context }) => ({ type: 'surgeon.resumed' as const, subject: caseSubject(context.case) })),
  },
}).createMachine({
  id: 'surgeon',
  context: ({ input }) => ({
    ...input,
    ...freshBudget,
    purpose: 'propose',
    sessionId: undefined,
    issues: [],
    proposal: undefined,
  }),
  initial: 'asking',
  states: {
    asking: {
      entry: ['startTurn', 'emitStarted'],
      invoke: {
        id: 'turn',
        src: 'surgeonTurn',
        input: ({ context }) => ({
          purpose: context.purpose,
          turn: context.turns,
          case: context.case,
          plan: context.plan,
          sessionId: context.sessionId,
          issues: context.issues,
        }),
        onDone: [
          { guard: 'answered', target: 'proposed', actions: ['accrue', 'recordProposal'] },
          { guard: 'usageLimit', target: 'waitingForQuota', actions: ['accrue', 'scheduleQuotaWait'] },
          { guard: 'retryable', target: 'backingOff', actions: ['accrue', 'scheduleRetry'] },
          {
            guard: 'canRepair',
            target: 'asking',
            reenter: true,
            actions: ['accrue', 'scheduleRepair', 'emitRejected'],
          },
          { target: 'failed', actions: ['accrue', 'failWithAnswer'] },
        ],
        onError: {
          target: 'failed',
          actions: assign({ reason: ({ event }) => errorText(event.error) }),
        },
      },
    },
    ...waitingStates,
    proposed: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }): SurgeonOutput =>
    context.proposal !== undefined
      ? { status: 'proposed', proposal: context.proposal, costUsd: context.costUsd }
      : {
          status: 'failed',
          reason: context.reason ?? 'the Surgeon stopped without a proposal',
          costUsd: context.costUsd,
        },
});
