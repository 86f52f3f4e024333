// The Surgeon: one Claude session that turns a failure (a story, or the integration gate) into a proposal — retry
// with guidance, split, fix or drop — repairs an answer that breaks the plan's rules, and waits out usage limits.
import { assertEvent, assign, emit, fromPromise, setup } from 'xstate';
import { quotaDeadline, retryDelayMs } from './story-policy.js';
import { caseSubject } from './surgery.js';
import type { PlanState, SurgeonCase, SurgeonProposal } from './surgery.js';
import type { SessionSummary } from './types.js';
import { outcomeText } from './story-context.js';

export interface SurgeonInput {
  readonly case: SurgeonCase;
  readonly plan: PlanState;
  readonly limits: { readonly transientRetries: number; readonly repairs: number };
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
export interface SurgeonTurnOutput {
  readonly summary: SessionSummary;
  readonly endedAt: number;
  readonly answer:
    { readonly ok: true; readonly proposal: SurgeonProposal } | { readonly ok: false; readonly issues: string[] };
}

export type SurgeonOutput =
  | { readonly status: 'proposed'; readonly proposal: SurgeonProposal; readonly costUsd: number }
  | { readonly status: 'failed'; readonly reason: string; readonly costUsd: number };

export type SurgeonEmitted =
  | { type: 'surgeon.started'; subject: string; purpose: 'propose' | 'repair'; turn: number }
  | { type: 'surgeon.rejected'; subject: string; issues: readonly string[] }
  | { type: 'surgeon.retry'; subject: string; reason: string; at: number }
  | { type: 'surgeon.paused'; subject: string; until: number }
  | { type: 'surgeon.resumed'; subject: string };

interface SurgeonContext extends SurgeonInput {
  readonly purpose: 'propose' | 'repair';
  readonly turns: number;
  readonly repairs: number;
  readonly transientFailures: number;
  readonly sessionId: string | undefined;
  readonly issues: readonly string[];
  readonly retryAt: number | undefined;
  readonly reason: string | undefined;
  readonly proposal: SurgeonProposal | undefined;
  readonly costUsd: number;
}

type SurgeonEvent = { type: 'xstate.done.actor.turn'; output: SurgeonTurnOutput };

function turnOf(event: SurgeonEvent): SurgeonTurnOutput {
  assertEvent(event, 'xstate.done.actor.turn');
  return event.output;
}

const outcomeOf = (event: SurgeonEvent) => turnOf(event).summary.outcome;
// The model answered; whether the answer is a usable proposal is a separate question.
const finished = (event: SurgeonEvent) => outcomeOf(event).kind === 'ok' || outcomeOf(event).kind === 'denied';

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
    answered: ({ event }) => finished(event) && turnOf(event).answer.ok,
    usageLimit: ({ event }) => outcomeOf(event).kind === 'usage_limit',
    retryable: ({ context, event }) =>
      ['transient', 'killed'].includes(outcomeOf(event).kind) &&
      context.transientFailures < context.limits.transientRetries,
    canRepair: ({ context, event }) => finished(event) && context.repairs < context.limits.repairs,
  },
  actions: {
    startTurn: assign({ turns: ({ context }) => context.turns + 1 }),
    emitStarted: emit(({ context }) => ({
      type: 'surgeon.started' as const,
      subject: caseSubject(context.case),
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
    scheduleRepair: assign(({ context, event }) => {
      const { answer } = turnOf(event);
      return { purpose: 'repair' as const, repairs: context.repairs + 1, issues: answer.ok ? [] : answer.issues };
    }),
    emitRejected: emit(({ context }) => ({
      type: 'surgeon.rejected' as const,
      subject: caseSubject(context.case),
      issues: context.issues,
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
    failWithAnswer: assign({
      reason: ({ event }) => {
        const { answer, summary } = turnOf(event);
        if (!finished(event)) return outcomeText(summary);
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
    purpose: 'propose',
    turns: 0,
    repairs: 0,
    transientFailures: 0,
    sessionId: undefined,
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
          actions: assign({
            reason: ({ event }) => (event.error instanceof Error ? event.error.message : String(event.error)),
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
