// The Operator: every git mutation of the shared repository. Whatever touches the integration branch runs one at a
// time in arrival order, and so does whatever adds or removes worktrees; work inside one story's worktree runs alongside,
// and so does switching a pooled worktree the Operator gave a story to that story's branch.
import { and, assign, enqueueActions, fromPromise, not, setup, stateIn } from 'xstate';
import type {
  GitOp,
  GitOpInput,
  GitOpOutput,
  OperatorReply,
  OperatorRequest,
  PooledWorktree,
  WorktreePoolState,
} from './types.js';

export type OperatorEvent =
  | OperatorRequest
  // Raised: a lane's answer reaches its requester once the lane's next op has started.
  | { type: 'operator.answer'; replyTo: string; reply: OperatorReply }
  | { type: `xstate.done.actor.${string}`; output: GitOpOutput }
  | { type: `xstate.error.actor.${string}`; error: unknown }
  | { type: 'RESUME' };

export interface OperatorInput {
  /** The run's integration branch, which every operation works against. */
  readonly integrationBranch: string;
}

export interface OperatorContext extends OperatorInput {
  /** Requests that touch the integration branch, oldest first; the head one is running. */
  readonly integration: readonly OperatorRequest[];
  /** Requests that take or give back a story's worktree, oldest first; the head one is running. */
  readonly worktrees: readonly OperatorRequest[];
  /** Story-local requests running now, by child actor id. */
  readonly local: Readonly<Record<string, OperatorRequest>>;
  /** The run's story worktrees, kept here so that a restored run reuses and lets go of those from before. */
  readonly pool: WorktreePoolState;
}

type Lane = 'integration' | 'worktrees' | 'local';

// git keeps every worktree's registration in one folder of the repository: an add reads its siblings' entries and fails
// on one half-written by a concurrent add. A story's commits touch only its own worktree and branch.
const LANES: Readonly<Record<GitOp['kind'], Lane>> = {
  'integration.create': 'integration',
  'story.worktree': 'worktrees',
  'worktree.switch': 'local',
  // Taking a pooled worktree and giving one back are ordered with each other, and come before the run's cleanup.
  'story.release': 'worktrees',
  'story.commit': 'local',
  'story.merge': 'integration',
  'story.continue': 'integration',
  cleanup: 'integration',
  push: 'integration',
  'push.catchUp': 'integration',
  'branches.delete': 'integration',
};
// Integration ops that also add or remove worktrees: they never run alongside the worktrees lane.
const ADMINISTER_WORKTREES: ReadonlySet<GitOp['kind']> = new Set(['integration.create', 'cleanup']);
// The ops that take, give back or let go of story worktrees: they get the pool and answer with it as they leave it.
const POOL_OPS: ReadonlySet<GitOp['kind']> = new Set(['story.worktree', 'story.release', 'cleanup']);
// The integration lane adds or removes a worktree right now.
const ADMINISTERING = and([stateIn('#operator.integration.working'), 'integrationHeadAdministers']);
const LOCAL_PREFIX = 'local:';
const DONE_PREFIX = 'xstate.done.actor.';
const ERROR_PREFIX = 'xstate.error.actor.';

function head(queue: readonly OperatorRequest[]): OperatorRequest {
  const request = queue[0];
  if (!request) throw new Error('Operator: working with an empty queue');
  return request;
}

/** The git op of a lane's head request, with the pool when the op works with it. */
function opInput(context: OperatorContext, lane: 'integration' | 'worktrees'): GitOpInput {
  const { op } = head(context[lane]);
  return { op, branch: context.integrationBranch, ...(POOL_OPS.has(op.kind) ? { pool: context.pool } : {}) };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Whether the request is queued or running already: one re-sent after a restore is not done twice. */
function known(context: OperatorContext, requestId: string): boolean {
  const same = (request: OperatorRequest) => request.requestId === requestId;
  return context.integration.some(same) || context.worktrees.some(same) || Object.values(context.local).some(same);
}

/** The answer to a request from its git op's done or error event; the pool stays with the Operator. */
function replyFor(request: OperatorRequest, event: OperatorEvent): OperatorReply {
  if ('output' in event) {
    const { pool: _pool, ...result } = event.output;
    return { type: 'operator.done', requestId: request.requestId, result };
  }
  return {
    type: 'operator.failed',
    requestId: request.requestId,
    message: 'error' in event ? messageOf(event.error) : 'git operation failed',
  };
}

/** The story whose worktree request the lane has next, when the pool can give it one it does not hold yet. */
function pooledFor(
  context: OperatorContext,
): { request: OperatorRequest; storyId: string; prefer: string | undefined } | undefined {
  const request = context.worktrees[0];
  if (request?.op.kind !== 'story.worktree' || context.pool.free.length === 0) return undefined;
  const { storyId, prefer } = request.op;
  return Object.hasOwn(context.pool.held, storyId) ? undefined : { request, storyId, prefer };
}

/**
 * Which free worktree a story gets (its index; -1 when none is free): the one its session ran in when free, else the
 * last given back (its files are the warmest). The Operator's switch and the worktrees lane both take by it.
 */
export function pickPooled(free: readonly PooledWorktree[], prefer: string | undefined): number {
  const own = prefer === undefined ? -1 : free.findIndex((worktree) => worktree.path === prefer);
  return own >= 0 ? own : free.length - 1;
}

/** Whether a local op in flight is a pooled worktree being switched for a story. */
const switching = (context: OperatorContext): boolean =>
  Object.values(context.local).some((request) => request.op.kind === 'story.worktree');

const childId = (event: OperatorEvent) =>
  event.type.slice((event.type.startsWith(DONE_PREFIX) ? DONE_PREFIX : ERROR_PREFIX).length);

export const operatorMachine = setup({
  types: {
    context: {} as OperatorContext,
    events: {} as OperatorEvent,
    input: {} as OperatorInput,
  },
  actors: {
    gitOp: fromPromise<GitOpOutput, GitOpInput>(() => {
      throw new Error('gitOp not provided');
    }),
  },
  actions: {
    enqueue: assign(({ context, event }) => {
      if (event.type !== 'operator.request' || known(context, event.requestId)) return {};
      return LANES[event.op.kind] === 'worktrees'
        ? { worktrees: [...context.worktrees, event] }
        : { integration: [...context.integration, event] };
    }),
    // The pool's next worktree goes to the story at once; git switches it alongside the lane, which moves on.
    switchPooled: enqueueActions(({ context, enqueue }) => {
      const next = pooledFor(context);
      if (next === undefined) return;
      const at = pickPooled(context.pool.free, next.prefer);
      const worktree = context.pool.free[at];
      if (worktree === undefined) return;
      const { request, storyId } = next;
      const id = `${LOCAL_PREFIX}${request.requestId}`;
      const op: GitOp = { kind: 'worktree.switch', storyId, worktree: worktree.path, clean: worktree.mayHoldStrays };
      enqueue.spawnChild('gitOp', { id, input: { op, branch: context.integrationBranch } });
      enqueue.assign({
        worktrees: context.worktrees.slice(1),
        local: { ...context.local, [id]: request },
        pool: {
          ...context.pool,
          free: context.pool.free.filter((_, index) => index !== at),
          held: { ...context.pool.held, [storyId]: worktree.path },
        },
      });
    }),
    // git could not switch it: the story's request goes round the lane again, which retires that worktree.
    retryUnswitched: enqueueActions(({ context, event, enqueue }) => {
      const id = childId(event);
      const request = context.local[id];
      if (request?.op.kind !== 'story.worktree') return;
      const { [id]: _failed, ...local } = context.local;
      const op = { ...request.op, unswitched: context.pool.held[request.op.storyId] };
      enqueue.assign({ local, worktrees: [...context.worktrees, { ...request, op }] });
      enqueue.stopChild(id);
    }),
    // Raised rather than sent: the requester's reaction (a story starting its agent, a level ending) runs many actors'
    // transitions, and the lane's next git process can run meanwhile. Nobody may wait for the answer (a story giving
    // back its worktree).
    answerHead: enqueueActions(({ context, event, enqueue }, params: { lane: 'integration' | 'worktrees' }) => {
      const queue = context[params.lane];
      const { replyTo } = head(queue);
      if (replyTo !== undefined)
        enqueue.raise({ type: 'operator.answer', replyTo, reply: replyFor(head(queue), event) });
      enqueue.assign(params.lane === 'worktrees' ? { worktrees: queue.slice(1) } : { integration: queue.slice(1) });
    }),
    // The requester may be gone (a story stopped).
    deliverAnswer: enqueueActions(({ event, system, enqueue }) => {
      if (event.type !== 'operator.answer') return;
      const requester = system.get(event.replyTo);
      if (requester) enqueue.sendTo(requester, event.reply);
    }),
    keepPool: assign(({ event }) =>
      'output' in event && event.output.pool !== undefined ? { pool: event.output.pool } : {},
    ),
    startLocal: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'operator.request') return;
      const id = `${LOCAL_PREFIX}${event.requestId}`;
      // A request re-sent after a RESUME is already running.
      if (context.local[id]) return;
      enqueue.spawnChild('gitOp', { id, input: { op: event.op, branch: context.integrationBranch } });
      enqueue.assign({ local: { ...context.local, [id]: event } });
    }),
    finishLocal: enqueueActions(({ context, event, system, enqueue }) => {
      const id = childId(event);
      const request = context.local[id];
      if (!request) return;
      const requester = request.replyTo === undefined ? undefined : system.get(request.replyTo);
      if (requester) enqueue.sendTo(requester, replyFor(request, event));
      const { [id]: _finished, ...local } = context.local;
      enqueue.assign({ local });
      // A finished op left as a child would stay in every snapshot of the run, and make stopping the Operator quadratic.
      enqueue.stopChild(id);
    }),
  },
  guards: {
    storyLocal: ({ event }) => event.type === 'operator.request' && LANES[event.op.kind] === 'local',
    fromLocalOp: ({ event }) => childId(event).startsWith(LOCAL_PREFIX),
    fromSwitch: ({ context, event }) => context.local[childId(event)]?.op.kind === 'story.worktree',
    hasIntegrationWork: ({ context }) => context.integration.length > 0,
    // A pooled worktree being switched counts: the run's cleanup must not delete it under git.
    hasWorktreeWork: ({ context }) => context.worktrees.length > 0 || switching(context),
    hasQueuedWorktreeWork: ({ context }) => context.worktrees.length > 0,
    poolServesHead: ({ context }) => pooledFor(context) !== undefined,
    integrationHeadAdministers: ({ context }) => {
      const next = context.integration[0];
      return next !== undefined && ADMINISTER_WORKTREES.has(next.op.kind);
    },
  },
}).createMachine({
  id: 'operator',
  context: ({ input }) => ({
    integrationBranch: input.integrationBranch,
    integration: [],
    worktrees: [],
    local: {},
    pool: { free: [], held: {}, retired: [] },
  }),
  on: {
    'operator.request': [{ guard: 'storyLocal', actions: 'startLocal' }, { actions: 'enqueue' }],
    'operator.answer': { actions: 'deliverAnswer' },
    'xstate.done.actor.*': { guard: 'fromLocalOp', actions: 'finishLocal' },
    'xstate.error.actor.*': [
      { guard: 'fromSwitch', actions: 'retryUnswitched' },
      { guard: 'fromLocalOp', actions: 'finishLocal' },
    ],
  },
  type: 'parallel',
  states: {
    integration: {
      initial: 'idle',
      states: {
        idle: {
          always: {
            // An op that adds or removes worktrees waits for the worktrees lane to drain.
            guard: and(['hasIntegrationWork', not(and(['integrationHeadAdministers', 'hasWorktreeWork']))]),
            target: 'working',
          },
        },
        working: {
          invoke: {
            id: 'integrationOp',
            src: 'gitOp',
            // The run's cleanup lets go of the pooled worktrees; it never runs alongside the worktrees lane.
            input: ({ context }) => opInput(context, 'integration'),
            onDone: {
              target: 'idle',
              actions: ['keepPool', { type: 'answerHead', params: { lane: 'integration' } }],
            },
            onError: { target: 'idle', actions: { type: 'answerHead', params: { lane: 'integration' } } },
          },
        },
      },
    },
    worktrees: {
      initial: 'idle',
      states: {
        idle: {
          // No add, and no switch, while the integration lane adds or removes a worktree.
          always: [
            { guard: and(['poolServesHead', not(ADMINISTERING)]), actions: 'switchPooled' },
            { guard: and(['hasQueuedWorktreeWork', not(ADMINISTERING)]), target: 'working' },
          ],
        },
        working: {
          invoke: {
            id: 'worktreeOp',
            src: 'gitOp',
            input: ({ context }) => opInput(context, 'worktrees'),
            onDone: { target: 'idle', actions: ['keepPool', { type: 'answerHead', params: { lane: 'worktrees' } }] },
            onError: { target: 'idle', actions: { type: 'answerHead', params: { lane: 'worktrees' } } },
          },
        },
      },
    },
  },
});
