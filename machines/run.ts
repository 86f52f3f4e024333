// The Run: the root of the actor tree. Starts the shared services, prepares the branch, conducts, publishes.
import { assign, emit, enqueueActions, setup } from 'xstate';
import { conductorMachine } from './conductor.js';
import type { ConductorInput, ConductorOutput } from './conductor.js';
import { librarianMachine } from './librarian.js';
import type { LibrarianInput } from './librarian.js';
import { operatorMachine } from './operator.js';
import { publisherMachine } from './publisher.js';
import type { PublisherEmitted, PublishOptions, PublisherOutput } from './publish-types.js';
import { sentryMachine } from './sentry.js';
import type { GitOp, OperatorReply, OperatorRequest } from './types.js';

export interface RunInput {
  readonly runId: string;
  readonly conductor: ConductorInput;
  readonly publish: PublishOptions;
  readonly librarian: LibrarianInput;
}

export interface RunContext extends RunInput {
  readonly outcome: ConductorOutput | undefined;
  readonly error: string | undefined;
  readonly published: PublisherOutput | undefined;
}

export interface RunOutput {
  readonly outcome: ConductorOutput | undefined;
  readonly error: string | undefined;
  /** Undefined when the run never got as far as publishing. */
  readonly published: PublisherOutput | undefined;
}

export type RunEvent = OperatorReply | { type: 'RESUME' };

export type RunEmitted = PublisherEmitted;

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
    publisher: publisherMachine,
  },
  actions: {
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
  context: ({ input }) => ({ ...input, outcome: undefined, error: undefined, published: undefined }),
  // Services first: stories look them up by systemId as soon as they start.
  invoke: [
    { id: 'operator', systemId: 'operator', src: 'operator' },
    { id: 'librarian', systemId: 'librarian', src: 'librarian', input: ({ context }) => context.librarian },
    { id: 'sentry', systemId: 'sentry', src: 'sentry' },
  ],
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
      invoke: {
        id: 'publisher',
        src: 'publisher',
        input: ({ context }) => {
          if (context.outcome === undefined) throw new Error('Run: publishing without an outcome');
          return { runId: context.runId, outcome: context.outcome, options: context.publish };
        },
        onDone: { target: 'completed', actions: assign({ published: ({ event }) => event.output }) },
        onError: {
          target: 'completed',
          actions: emit(({ event }) => ({
            type: 'run.error' as const,
            message: `publishing crashed: ${event.error instanceof Error ? event.error.message : String(event.error)}`,
          })),
        },
      },
    },
    completed: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({
    outcome: context.outcome,
    error: context.error,
    published: context.published,
  }),
});
