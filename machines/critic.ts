// The Critic: one tool-less Claude call that judges a story against its acceptance criteria from its diff and the
// Auditor's evidence. A call that fails waits for the usage limit or backs off and asks again: never a pass.
import { assertEvent, assign, emit, fromPromise, sendParent, setup } from 'xstate';
import { quotaDeadline, retryDelayMs } from './story-policy.js';
import type { SessionSummary, StoryDef, Verdict, VerifyResult } from './types.js';

export interface CriticInput {
  readonly storyId: string;
  readonly story: StoryDef;
  /** 1-based review round of this story (a story the Surgeon sent back starts again at 1). */
  readonly round: number;
  /** The story's turn whose work this reviews, counted over all its runs: names the review's log. */
  readonly attempt: number;
  readonly evidence: readonly VerifyResult[];
  /** What the story's agent was denied (`Bash(make lint)`), in its turns so far. */
  readonly denials: readonly string[];
  readonly limits: { readonly transientRetries: number; readonly quotaMarginMs?: number };
  /** The worktree the story holds (a pooled one is named after an earlier story); undefined: its own folder. */
  readonly worktree?: string | undefined;
}

/** Everything one Critic call needs to build its prompt. */
export interface CriticTurnInput extends Omit<CriticInput, 'limits'> {
  /** 1-based count of this review's calls. */
  readonly call: number;
}

export interface CriticTurnOutput {
  readonly summary: SessionSummary;
  readonly endedAt: number;
  /** The verdict as the schema allows it, or why the answer was not one. */
  readonly answer: { readonly ok: true; readonly verdict: Verdict } | { readonly ok: false; readonly issue: string };
}

export type CriticOutput =
  | { readonly status: 'judged'; readonly verdict: Verdict; readonly costUsd: number }
  | { readonly status: 'failed'; readonly reason: string; readonly costUsd: number };

/** Sent to the story, which pauses the schedule as for its own agent's usage limit. */
export type CriticParentEvent = { type: 'critic.paused'; until: number } | { type: 'critic.resumed' };

export type CriticEmitted =
  | {
      type: 'story.verdict';
      storyId: string;
      round: number;
      verdict: Verdict['verdict'];
      reasons: readonly string[];
      unmetCriteria: readonly string[];
    }
  | { type: 'critic.retry'; storyId: string; round: number; reason: string; at: number };

export interface CriticContext extends CriticInput {
  readonly calls: number;
  readonly transientFailures: number;
  readonly retryAt: number | undefined;
  readonly reason: string | undefined;
  readonly verdict: Verdict | undefined;
  readonly costUsd: number;
}

type CriticEvent = { type: 'xstate.done.actor.turn'; output: CriticTurnOutput };

function turnOf(event: CriticEvent): CriticTurnOutput {
  assertEvent(event, 'xstate.done.actor.turn');
  return event.output;
}

const outcomeOf = (event: CriticEvent) => turnOf(event).summary.outcome;

function failureText(output: CriticTurnOutput): string {
  const { outcome } = output.summary;
  if (outcome.kind === 'ok' || outcome.kind === 'denied')
    return output.answer.ok ? 'no verdict' : `no verdict: ${output.answer.issue}`;
  return 'text' in outcome && outcome.text ? `${outcome.kind}: ${outcome.text}` : outcome.kind;
}

export const criticMachine = setup({
  types: {
    context: {} as CriticContext,
    events: {} as CriticEvent,
    input: {} as CriticInput,
    output: {} as CriticOutput,
    emitted: {} as CriticEmitted,
  },
  actors: {
    criticTurn: fromPromise<CriticTurnOutput, CriticTurnInput>(() => {
      throw new Error('criticTurn not provided');
    }),
    sleepUntil: fromPromise<void, { until: number }>(() => {
      throw new Error('sleepUntil not provided');
    }),
  },
  guards: {
    answered: ({ event }) => {
      const { summary, answer } = turnOf(event);
      return (summary.outcome.kind === 'ok' || summary.outcome.kind === 'denied') && answer.ok;
    },
    usageLimit: ({ event }) => outcomeOf(event).kind === 'usage_limit',
    // An answer that is no verdict is asked again like a dropped call.
    retryable: ({ context, event }) =>
      ['transient', 'killed', 'ok', 'denied'].includes(outcomeOf(event).kind) &&
      context.transientFailures < context.limits.transientRetries,
  },
  actions: {
    startCall: assign({ calls: ({ context }) => context.calls + 1 }),
    accrue: assign({ costUsd: ({ context, event }) => context.costUsd + turnOf(event).summary.costUsd }),
    recordVerdict: assign({
      verdict: ({ event }) => {
        const { answer } = turnOf(event);
        return answer.ok ? answer.verdict : undefined;
      },
    }),
    scheduleRetry: assign(({ context, event }) => {
      const output = turnOf(event);
      return {
        transientFailures: context.transientFailures + 1,
        retryAt: output.endedAt + retryDelayMs(context.transientFailures),
        reason: failureText(output),
      };
    }),
    scheduleQuotaWait: assign(({ context, event }) => {
      const output = turnOf(event);
      const { outcome } = output.summary;
      const resetsAt = outcome.kind === 'usage_limit' ? outcome.resetsAt : undefined;
      return {
        retryAt: quotaDeadline(resetsAt, output.endedAt, context.limits.quotaMarginMs),
        reason: failureText(output),
      };
    }),
    failWithOutcome: assign({ reason: ({ event }) => failureText(turnOf(event)) }),
    emitRetry: emit(({ context }) => ({
      type: 'critic.retry' as const,
      storyId: context.storyId,
      round: context.round,
      reason: context.reason ?? '',
      at: context.retryAt ?? 0,
    })),
    emitVerdict: emit(({ context }) => ({
      type: 'story.verdict' as const,
      storyId: context.storyId,
      round: context.round,
      verdict: context.verdict?.verdict ?? 'fail',
      reasons: context.verdict?.reasons ?? [],
      unmetCriteria: context.verdict?.unmetCriteria ?? [],
    })),
    tellPaused: sendParent(({ context }): CriticParentEvent => ({
      type: 'critic.paused',
      until: context.retryAt ?? 0,
    })),
    tellResumed: sendParent((): CriticParentEvent => ({ type: 'critic.resumed' })),
  },
}).createMachine({
  id: 'critic',
  context: ({ input }) => ({
    ...input,
    calls: 0,
    transientFailures: 0,
    retryAt: undefined,
    reason: undefined,
    verdict: undefined,
    costUsd: 0,
  }),
  initial: 'asking',
  states: {
    asking: {
      entry: 'startCall',
      invoke: {
        id: 'turn',
        src: 'criticTurn',
        input: ({ context }) => ({
          storyId: context.storyId,
          story: context.story,
          round: context.round,
          attempt: context.attempt,
          call: context.calls,
          evidence: context.evidence,
          denials: context.denials,
          worktree: context.worktree,
        }),
        onDone: [
          { guard: 'answered', target: 'judged', actions: ['accrue', 'recordVerdict'] },
          { guard: 'usageLimit', target: 'waitingForQuota', actions: ['accrue', 'scheduleQuotaWait'] },
          { guard: 'retryable', target: 'backingOff', actions: ['accrue', 'scheduleRetry'] },
          { target: 'failed', actions: ['accrue', 'failWithOutcome'] },
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
      entry: 'tellPaused',
      exit: 'tellResumed',
      invoke: {
        id: 'quota',
        src: 'sleepUntil',
        input: ({ context }) => ({ until: context.retryAt ?? 0 }),
        onDone: 'asking',
      },
    },
    judged: { type: 'final', entry: 'emitVerdict' },
    failed: { type: 'final' },
  },
  output: ({ context }): CriticOutput =>
    context.verdict !== undefined
      ? { status: 'judged', verdict: context.verdict, costUsd: context.costUsd }
      : {
          status: 'failed',
          reason: `the Critic could not review: ${context.reason ?? 'no verdict'}`,
          costUsd: context.costUsd,
        },
});
