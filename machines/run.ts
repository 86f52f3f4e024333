// The Run: the root of the actor tree. Starts the shared services, prepares the branch, conducts, publishes.
import { assign, emit, enqueueActions, raise, setup } from 'xstate';
import type { ActorRefFrom, ActorSystem, ActorSystemInfo } from 'xstate';
import { conductorMachine } from './conductor.js';
import type { ConductorInput, ConductorOutput } from './conductor.js';
import { librarianMachine } from './librarian.js';
import type { LibrarianInput } from './librarian.js';
import { operatorMachine } from './operator.js';
import { sentryMachine } from './sentry.js';
import type { GitOp, OperatorReply, OperatorRequest } from './types.js';

export interface RunInput {
  readonly runId: string;
  readonly conductor: ConductorInput;
  /** Where a finished run is pushed; undefined keeps everything local. */
  readonly publish: { readonly branch: string; readonly remote: string } | undefined;
  readonly librarian: LibrarianInput;
}

export interface RunContext extends RunInput {
  readonly outcome: ConductorOutput | undefined;
  readonly error: string | undefined;
  readonly pushError: string | undefined;
  readonly pushed: boolean;
}

export interface RunOutput {
  readonly outcome: ConductorOutput | undefined;
  readonly error: string | undefined;
  readonly pushed: boolean;
  readonly pushError: string | undefined;
}

export type RunEvent = OperatorReply | { type: 'RESUME' } | { type: 'run.service.failed' };

export type RunEmitted =
  { type: 'branch.pushed'; branch: string; remote: string } | { type: 'run.error'; message: string };

function storiesWith(context: RunContext, status: 'merged' | 'failed') {
  return Object.values(context.outcome?.results ?? {}).filter((result) => result.status === status);
}

function failedStories(context: RunContext) {
  return storiesWith(context, 'failed').map((result) => ({
    storyId: result.storyId,
    reason: result.reason ?? 'failed',
  }));
}

/** What the Conductor knows so far (every story's status and the results of finished ones); undefined before it starts. */
export function conductorProgress(system: ActorSystem<ActorSystemInfo>): ConductorOutput | undefined {
  const conductor = system.get('conductor') as ActorRefFrom<typeof conductorMachine> | undefined;
  const context = conductor?.getSnapshot().context;
  return context && { status: context.status, results: context.results };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const runMachine = setup({
  types: {
    context: {} as RunContext,
    events: {} as RunEvent,
    input: {} as RunInput,
    output: {} as RunOutput,
    emitted: {} as RunEmitted,
  },
  actors: {
    operator: operatorMachine,
    librarian: librarianMachine,
    sentry: sentryMachine,
    conductor: conductorMachine,
  },
  guards: {
    shouldPush: ({ context }) =>
      context.publish !== undefined && Object.values(context.outcome?.status ?? {}).includes('merged'),
  },
  actions: {
    // Recorded before the run leaves its state, while the Conductor still knows which stories merged.
    recordServiceFailure: assign(({ context, event, system }, params: { service: string }) => ({
      error: `the ${params.service} crashed: ${'error' in event ? messageOf(event.error) : 'unknown error'}`,
      outcome: context.outcome ?? conductorProgress(system),
    })),
    abandon: raise({ type: 'run.service.failed' }),
    requestGit: enqueueActions(({ context, self, system, enqueue }, params: { op: GitOp }) => {
      const request: OperatorRequest = {
        type: 'operator.request',
        requestId: `${context.runId}:${params.op.kind}`,
        op: params.op,
        replyTo: self,
      };
      enqueue.sendTo(system.get('operator'), request);
    }),
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({ ...input, outcome: undefined, error: undefined, pushError: undefined, pushed: false }),
  // Services first: stories look them up by systemId as soon as they start.
  // A service that crashes ends the run as failed: merged stories stay merged, every agent stops with the tree.
  invoke: [
    {
      id: 'operator',
      systemId: 'operator',
      src: 'operator',
      onError: { actions: [{ type: 'recordServiceFailure', params: { service: 'Operator' } }, 'abandon'] },
    },
    {
      id: 'librarian',
      systemId: 'librarian',
      src: 'librarian',
      input: ({ context }) => context.librarian,
      onError: { actions: [{ type: 'recordServiceFailure', params: { service: 'Librarian' } }, 'abandon'] },
    },
    {
      id: 'sentry',
      systemId: 'sentry',
      src: 'sentry',
      onError: { actions: [{ type: 'recordServiceFailure', params: { service: 'Sentry' } }, 'abandon'] },
    },
  ],
  on: { 'run.service.failed': '.failed' },
  initial: 'preparing',
  states: {
    preparing: {
      entry: { type: 'requestGit', params: { op: { kind: 'integration.create' } } },
      on: {
        'operator.done': 'executing',
        'operator.failed': { target: 'failed', actions: assign({ error: ({ event }) => event.message }) },
        RESUME: { target: 'preparing', reenter: true },
      },
    },
    executing: {
      invoke: {
        id: 'conductor',
        systemId: 'conductor',
        src: 'conductor',
        input: ({ context }) => context.conductor,
        onDone: { target: 'publishing', actions: assign({ outcome: ({ event }) => event.output }) },
        onError: {
          target: 'failed',
          actions: assign({
            error: ({ event }) =>
              `conductor crashed: ${event.error instanceof Error ? event.error.message : String(event.error)}`,
          }),
        },
      },
    },
    publishing: {
      initial: 'cleaningUp',
      states: {
        cleaningUp: {
          entry: {
            type: 'requestGit',
            params: ({ context }) => ({
              op: {
                kind: 'cleanup',
                merged: storiesWith(context, 'merged').map((r) => r.storyId),
                failed: failedStories(context),
              },
            }),
          },
          on: {
            'operator.done': 'deciding',
            'operator.failed': {
              target: 'deciding',
              actions: emit(({ event }) => ({ type: 'run.error' as const, message: event.message })),
            },
            RESUME: { target: 'cleaningUp', reenter: true },
          },
        },
        deciding: {
          always: [{ guard: 'shouldPush', target: 'pushing' }, { target: '#run.completed' }],
        },
        pushing: {
          entry: { type: 'requestGit', params: { op: { kind: 'push' } } },
          on: {
            'operator.done': {
              target: '#run.completed',
              actions: [
                assign({ pushed: true }),
                emit(({ context }) => ({
                  type: 'branch.pushed' as const,
                  branch: context.publish?.branch ?? '',
                  remote: context.publish?.remote ?? '',
                })),
              ],
            },
            'operator.failed': {
              target: '#run.completed',
              actions: assign({ pushError: ({ event }) => event.message }),
            },
            RESUME: { target: 'pushing', reenter: true },
          },
        },
      },
    },
    completed: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({
    outcome: context.outcome,
    error: context.error,
    pushed: context.pushed,
    pushError: context.pushError,
  }),
});
