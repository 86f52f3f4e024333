// The Operator: every git mutation of the shared repository. Whatever touches the integration branch runs one at a
// time in arrival order; work confined to one story's own worktree and branch runs alongside.
import { assign, enqueueActions, fromPromise, sendTo, setup } from 'xstate';
import type { GitOp, GitOpInput, GitOpResult, OperatorReply, OperatorRequest } from './types.js';

export type OperatorEvent =
  | OperatorRequest
  | { type: `xstate.done.actor.${string}`; output: GitOpResult }
  | { type: `xstate.error.actor.${string}`; error: unknown }
  | { type: 'RESUME' };

export interface OperatorInput {
  /** The run's integration branch, which every operation works against. */
  readonly integrationBranch: string;
}

export interface OperatorContext extends OperatorInput {
  /** Requests that touch the integration branch, oldest first; the head one is running. */
  readonly queue: readonly OperatorRequest[];
  /** Story-local requests running now, by child actor id. */
  readonly local: Readonly<Record<string, OperatorRequest>>;
}

// A story's worktree and its commits touch only that story's branch, so they need not wait for other stories' merges.
const STORY_LOCAL: ReadonlySet<GitOp['kind']> = new Set(['story.worktree', 'story.commit']);
const LOCAL_PREFIX = 'local:';
const DONE_PREFIX = 'xstate.done.actor.';
const ERROR_PREFIX = 'xstate.error.actor.';

function head(context: OperatorContext): OperatorRequest {
  const request = context.queue[0];
  if (!request) throw new Error('Operator: working with an empty queue');
  return request;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const operatorMachine = setup({
  types: {
    context: {} as OperatorContext,
    events: {} as OperatorEvent,
    input: {} as OperatorInput,
  },
  actors: {
    gitOp: fromPromise<GitOpResult, GitOpInput>(() => {
      throw new Error('gitOp not provided');
    }),
  },
  actions: {
    enqueue: assign({
      queue: ({ context, event }) => (event.type === 'operator.request' ? [...context.queue, event] : context.queue),
    }),
    dequeue: assign({ queue: ({ context }) => context.queue.slice(1) }),
    startLocal: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'operator.request') return;
      const id = `${LOCAL_PREFIX}${event.requestId}`;
      // A request re-sent after a RESUME is already running.
      if (context.local[id]) return;
      enqueue.spawnChild('gitOp', { id, input: { op: event.op, branch: context.integrationBranch } });
      enqueue.assign({ local: { ...context.local, [id]: event } });
    }),
    finishLocal: enqueueActions(({ context, event, enqueue }) => {
      const done = event.type.startsWith(DONE_PREFIX);
      const id = event.type.slice((done ? DONE_PREFIX : ERROR_PREFIX).length);
      const request = context.local[id];
      if (!request) return;
      const reply: OperatorReply =
        'output' in event
          ? { type: 'operator.done', requestId: request.requestId, result: event.output }
          : {
              type: 'operator.failed',
              requestId: request.requestId,
              message: 'error' in event ? messageOf(event.error) : 'git operation failed',
            };
      enqueue.sendTo(request.replyTo, reply);
      const { [id]: _finished, ...local } = context.local;
      enqueue.assign({ local });
    }),
  },
  guards: {
    hasWork: ({ context }) => context.queue.length > 0,
    storyLocal: ({ event }) => event.type === 'operator.request' && STORY_LOCAL.has(event.op.kind),
  },
}).createMachine({
  id: 'operator',
  context: ({ input }) => ({ integrationBranch: input.integrationBranch, queue: [], local: {} }),
  initial: 'idle',
  on: {
    'operator.request': [{ guard: 'storyLocal', actions: 'startLocal' }, { actions: 'enqueue' }],
    'xstate.done.actor.*': { actions: 'finishLocal' },
    'xstate.error.actor.*': { actions: 'finishLocal' },
  },
  states: {
    idle: {
      always: { guard: 'hasWork', target: 'working' },
    },
    working: {
      invoke: {
        id: 'gitOp',
        src: 'gitOp',
        input: ({ context }) => ({ op: head(context).op, branch: context.integrationBranch }),
        onDone: {
          target: 'idle',
          actions: [
            sendTo(
              ({ context }) => head(context).replyTo,
              ({ context, event }) => ({
                type: 'operator.done' as const,
                requestId: head(context).requestId,
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
              ({ context }) => head(context).replyTo,
              ({ context, event }) => ({
                type: 'operator.failed' as const,
                requestId: head(context).requestId,
                message: messageOf(event.error),
              }),
            ),
            'dequeue',
          ],
        },
      },
    },
  },
});
