// The Auditor: runs the project's verification commands in one worktree, one after the other, and says what they
// came to. No model call; evidence for the Critic, the integration gate between levels, the final gate.
import { assertEvent, assign, emit, fromPromise, setup } from 'xstate';
import type { WorktreeSetupOutput } from './story-events.js';
import type { AuditTarget, IntegrationGateOutput, VerifyResult, VerifyStatus } from './types.js';

export interface AuditorInput {
  readonly target: AuditTarget;
}

export type AuditorOutput = IntegrationGateOutput;

export type AuditorEmitted = {
  type: 'verify.completed';
  scope: AuditTarget['kind'];
  storyId?: string | undefined;
  level?: number | undefined;
  round?: number | undefined;
  status: VerifyStatus;
  results: readonly VerifyResult[];
};

export interface AuditorContext {
  readonly target: AuditTarget;
  /** Commands not run yet, in order; the first is the one running. */
  readonly pending: readonly string[];
  readonly results: readonly VerifyResult[];
}

type AuditorEvent =
  | { type: 'xstate.done.actor.listing'; output: readonly string[] }
  | { type: 'xstate.done.actor.check'; output: VerifyResult }
  | { type: 'xstate.done.actor.preparing'; output: WorktreeSetupOutput }
  /** Whoever started the Auditor as a child of a promise (the integration gate) stops it: it cannot be stopped. */
  | { type: 'auditor.cancel' };

/** Failed when one check failed; passed when at least one ran and none failed; skipped when none ran. */
export function verifyStatus(results: readonly VerifyResult[]): VerifyStatus {
  if (results.some((result) => result.status === 'failed')) return 'failed';
  return results.some((result) => result.status === 'passed') ? 'passed' : 'skipped';
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A gate whose Auditor crashed verified nothing: it counts as failed, with the reason as its only result. */
export function crashedGate(gate: string, error: unknown): IntegrationGateOutput {
  return {
    status: 'failed',
    results: [
      {
        command: `(${gate})`,
        status: 'failed',
        exitCode: null,
        durationMs: 0,
        tail: `the gate crashed: ${messageOf(error)}`,
      },
    ],
  };
}

export const auditorMachine = setup({
  types: {
    context: {} as AuditorContext,
    events: {} as AuditorEvent,
    input: {} as AuditorInput,
    output: {} as AuditorOutput,
    emitted: {} as AuditorEmitted,
  },
  actors: {
    /** The commands that verify the target's worktree (configured, else detected). */
    listChecks: fromPromise<readonly string[], AuditTarget>(() => {
      throw new Error('listChecks not provided');
    }),
    runCheck: fromPromise<VerifyResult, { target: AuditTarget; command: string }>(() => {
      throw new Error('runCheck not provided');
    }),
    /** Readies the integration worktree as the stories' were (`worktree.setup`); nothing to do unless provided. */
    prepareWorktree: fromPromise<WorktreeSetupOutput, AuditTarget>(async () => ({ kind: 'ok' })),
  },
  guards: {
    nothingToCheck: ({ event }) => {
      assertEvent(event, 'xstate.done.actor.listing');
      return event.output.length === 0;
    },
    moreToCheck: ({ context }) => context.pending.length > 1,
    // A story's worktree was set up before its agent ran.
    storyTarget: ({ context }) => context.target.kind === 'story',
    notPrepared: ({ event }) => {
      assertEvent(event, 'xstate.done.actor.preparing');
      return event.output.kind === 'failed';
    },
  },
  actions: {
    recordChecks: assign({
      pending: ({ event }) => {
        assertEvent(event, 'xstate.done.actor.listing');
        return event.output;
      },
    }),
    recordResult: assign(({ context, event }) => {
      assertEvent(event, 'xstate.done.actor.check');
      return { pending: context.pending.slice(1), results: [...context.results, event.output] };
    }),
    // baro could not run the check at all (its worktree gone): that verifies nothing, so it counts as a failure.
    recordCheckError: assign(({ context, event }) => ({
      pending: context.pending.slice(1),
      results: [
        ...context.results,
        {
          command: context.pending[0] ?? '',
          status: 'failed' as const,
          exitCode: null,
          durationMs: 0,
          tail: `baro could not run it: ${'error' in event ? messageOf(event.error) : 'unknown error'}`,
        },
      ],
    })),
    // Without its dependencies a check would fail for the worktree's sake, not the code's: none could run.
    recordNotPrepared: assign(({ context, event }) => {
      const reason =
        event.type === 'xstate.done.actor.preparing' && event.output.kind === 'failed'
          ? event.output.reason
          : `the worktree setup failed: ${'error' in event ? messageOf(event.error) : 'unknown error'}`;
      return {
        pending: [],
        results: context.pending.map((command) => ({
          command,
          status: 'notRun' as const,
          exitCode: null,
          durationMs: 0,
          tail: reason,
        })),
      };
    }),
    recordListError: assign({
      results: ({ event }) => [
        {
          command: '(finding the checks)',
          status: 'failed' as const,
          exitCode: null,
          durationMs: 0,
          tail: `baro could not find the checks: ${'error' in event ? messageOf(event.error) : 'unknown error'}`,
        },
      ],
    }),
    emitCompleted: emit(({ context }) => {
      const { target } = context;
      return {
        type: 'verify.completed' as const,
        scope: target.kind,
        ...(target.kind === 'story' ? { storyId: target.storyId, round: target.round } : {}),
        ...(target.kind === 'integration' ? { level: target.level } : {}),
        status: verifyStatus(context.results),
        results: context.results,
      };
    }),
  },
}).createMachine({
  id: 'auditor',
  context: ({ input }) => ({ target: input.target, pending: [], results: [] }),
  initial: 'listing',
  // Leaving the state stops the check it runs, and the process with it; nothing is reported.
  on: { 'auditor.cancel': '.cancelled' },
  states: {
    listing: {
      invoke: {
        id: 'listing',
        src: 'listChecks',
        input: ({ context }) => context.target,
        onDone: [
          { guard: 'nothingToCheck', target: 'done' },
          { guard: 'storyTarget', target: 'checking', actions: 'recordChecks' },
          { target: 'preparing', actions: 'recordChecks' },
        ],
        onError: { target: 'done', actions: 'recordListError' },
      },
    },
    // The integration worktree, set up before a gate checks it.
    preparing: {
      invoke: {
        id: 'preparing',
        src: 'prepareWorktree',
        input: ({ context }) => context.target,
        onDone: [{ guard: 'notPrepared', target: 'done', actions: 'recordNotPrepared' }, { target: 'checking' }],
        onError: { target: 'done', actions: 'recordNotPrepared' },
      },
    },
    checking: {
      invoke: {
        id: 'check',
        src: 'runCheck',
        input: ({ context }) => ({ target: context.target, command: context.pending[0] ?? '' }),
        onDone: [
          { guard: 'moreToCheck', target: 'checking', reenter: true, actions: 'recordResult' },
          { target: 'done', actions: 'recordResult' },
        ],
        onError: [
          { guard: 'moreToCheck', target: 'checking', reenter: true, actions: 'recordCheckError' },
          { target: 'done', actions: 'recordCheckError' },
        ],
      },
    },
    done: { type: 'final', entry: 'emitCompleted' },
    cancelled: { type: 'final' },
  },
  output: ({ context }) => ({ status: verifyStatus(context.results), results: context.results }),
});
