// The Operator: every git mutation of the shared repository, one at a time, in arrival order.
import { assign, sendTo, setup, fromPromise } from 'xstate';
import type { GitOp, GitOpResult, OperatorRequest } from './types.js';

export type OperatorEvent = OperatorRequest | { type: 'RESUME' };

export interface OperatorContext {
  readonly queue: readonly OperatorRequest[];
}

export const operatorMachine = setup({
  types: {
    context: {} as OperatorContext,
    events: {} as OperatorEvent,
  },
  actors: {
    gitOp: fromPromise<GitOpResult, GitOp>(() => {
      throw new Error('gitOp not provided');
    }),
  },
  actions: {
    enqueue: assign({
      queue: ({ context, event }) => (event.type === 'operator.request' ? [...context.queue, event] : context.queue),
    }),
    dequeue: assign({ queue: ({ context }) => context.queue.slice(1) }),
  },
  guards: {
    hasWork: ({ context }) => context.queue.length > 0,
  },
}).createMachine({
  id: 'operator',
  context: { queue: [] },
  initial: 'idle',
  on: { 'operator.request': { actions: 'enqueue' } },
  states: {
    idle: {
      always: { guard: 'hasWork', target: 'working' },
    },
    working: {
      invoke: {
        id: 'gitOp',
        src: 'gitOp',
        input: ({ context }) => (context.queue[0] as OperatorRequest).op,
        onDone: {
          target: 'idle',
          actions: [
            sendTo(
              ({ context }) => (context.queue[0] as OperatorRequest).replyTo,
              ({ context, event }) => ({
                type: 'operator.done' as const,
                requestId: (context.queue[0] as OperatorRequest).requestId,
                result: event.output,
              }),
            ),
            'dequeue',
          ],
        },
        onError: {
          target: 'idle',
          actions: [
            sendTo(
              ({ context }) => (context.queue[0] as OperatorRequest).replyTo,
              ({ context, event }) => ({
                type: 'operator.failed' as const,
                requestId: (context.queue[0] as OperatorRequest).requestId,
                message: event.error instanceof Error ? event.error.message : String(event.error),
              }),
            ),
            'dequeue',
          ],
        },
      },
    },
  },
});
