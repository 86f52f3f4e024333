// The Run: the root of the actor tree. Maps the repository, plans the goal, has the plan reviewed, prepares the
// branch, conducts, publishes.
import { assign, emit, enqueueActions, fromPromise, raise, setup, spawnChild } from 'xstate';
import { auditorMachine, crashedGate } from './auditor.js';
import { cartographerMachine } from './cartographer.js';
import { conductorMachine } from './conductor.js';
import type { ConductorOutput } from './conductor.js';
import { librarianMachine } from './librarian.js';
import { operatorMachine } from './operator.js';
import { plannerMachine } from './planner.js';
import { publisherMachine } from './publisher.js';
import { conductorProgress, messageOf, planIssuesOf, planningFailureOf, proposalOf } from './run-context.js';
import type { RunContext, RunEmitted, RunEvent, RunInput, RunOutput } from './run-context.js';
import { sentryMachine } from './sentry.js';
import type { GitOp, OperatorRequest, PlanDef, RunBranch } from './types.js';

export type { RunContext, RunEmitted, RunEvent, RunInput, RunOutput } from './run-context.js';
export { conductorProgress } from './run-context.js';

const PLANNER_DONE = 'xstate.done.actor.planner';

/** The Run's own systemId, given when the root actor is created, so the Operator can answer it after a restore. */
export const RUN_SYSTEM_ID = 'run';

const requestIdOf = (runId: string, kind: GitOp['kind']) => `${runId}:${kind}`;

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
    planner: plannerMachine,
    cartographer: cartographerMachine,
    auditor: auditorMachine,
    /** A free name for the run's branch, from the plan's branch or goal. */
    nameBranch: fromPromise<RunBranch, { repoDir: string; plan: PlanDef }>(() => {
      throw new Error('nameBranch not provided');
    }),
  },
  guards: {
    hasPlan: ({ context }) => context.proposal !== undefined,
    // Nothing merged leaves the branch at its base: there is nothing new for the final gate to check.
    mergedAny: ({ event }) =>
      event.type === 'xstate.done.actor.conductor' && Object.values(event.output.status).includes('merged'),
    autoApprove: ({ context }) => context.autoApprove,
    // A plan given with --plan has no planner session to revise it.
    canRefine: ({ context }) => context.plannerSession !== undefined,
    planReady: ({ event }) => event.type === PLANNER_DONE && event.output.status === 'ready',
    planInvalid: ({ event }) => event.type === PLANNER_DONE && event.output.status === 'invalid',
    // A late or repeated answer to another request never moves the Run.
    answers: ({ context, event }, params: { kind: GitOp['kind'] }) =>
      'requestId' in event && event.requestId === requestIdOf(context.runId, params.kind),
  },
  actions: {
    // Recorded before the run leaves its state, while the Conductor still knows which stories merged.
    recordServiceFailure: assign(({ context, event, system }, params: { service: string }) => ({
      error: `the ${params.service} crashed: ${'error' in event ? messageOf(event.error) : 'unknown error'}`,
      outcome: context.outcome ?? conductorProgress(system),
    })),
    abandon: raise({ type: 'run.service.failed' }),
    requestGit: enqueueActions(({ context, system, enqueue }, params: { op: GitOp }) => {
      const request: OperatorRequest = {
        type: 'operator.request',
        requestId: requestIdOf(context.runId, params.op.kind),
        op: params.op,
        replyTo: RUN_SYSTEM_ID,
      };
      enqueue.sendTo(system.get('operator'), request);
    }),
    recordProposal: assign(({ event }) => proposalOf(event)),
    recordPlanIssues: assign(({ event }) => planIssuesOf(event)),
    recordPlanningFailure: assign({ error: ({ event }) => planningFailureOf(event) }),
    emitPlanReady: emit(({ context }) => ({
      type: 'plan.ready' as const,
      stories: context.proposal?.plan.stories.length ?? 0,
      levels: context.proposal?.levels ?? [],
      plan: context.proposal?.plan ?? { goal: context.goal, stories: [] },
    })),
    // The Operator starts once the branch it works on is known.
    spawnOperator: spawnChild('operator', {
      id: 'operator',
      systemId: 'operator',
      input: ({ context }) => ({ integrationBranch: context.branch ?? '' }),
    }),
    emitBranchCreated: emit(({ context }) => ({
      type: 'branch.created' as const,
      branch: context.branch ?? '',
      ...(context.continuedFrom === undefined ? {} : { continuedFrom: context.continuedFrom }),
    })),
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({
    ...input,
    proposal: input.plan,
    repoMap: undefined,
    plannerSession: undefined,
    feedback: undefined,
    branch: undefined,
    continuedFrom: undefined,
    planIssues: [],
    outcome: undefined,
    finalGate: undefined,
    error: undefined,
    published: undefined,
    ending: 'completed',
  }),
  // Services first: stories look them up by systemId as soon as they start.
  // A service that crashes ends the run as failed: merged stories stay merged, every agent stops with the tree.
  invoke: [
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
  on: {
    // The Operator is spawned once the branch is named, so its crash arrives as an event, not an invoke's onError.
    'xstate.error.actor.operator': {
      actions: [{ type: 'recordServiceFailure', params: { service: 'Operator' } }, 'abandon'],
    },
    'run.service.failed': '.failed',
  },
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'hasPlan', target: 'reviewing' }, { target: 'mapping' }],
    },
    mapping: {
      invoke: {
        id: 'cartographer',
        src: 'cartographer',
        input: ({ context }) => ({ repoDir: context.repoDir }),
        onDone: { target: 'planning', actions: assign({ repoMap: ({ event }) => event.output }) },
        onError: {
          target: 'failed',
          actions: assign({ error: ({ event }) => `mapping the repository failed: ${messageOf(event.error)}` }),
        },
      },
    },
    planning: {
      invoke: {
        id: 'planner',
        systemId: 'planner',
        src: 'planner',
        input: ({ context }) => ({
          goal: context.goal,
          repoSummary: context.repoMap?.summary ?? '',
          sessionId: context.plannerSession,
          feedback: context.feedback,
          limits: context.planning,
        }),
        onDone: [
          { guard: 'planReady', target: 'reviewing', actions: 'recordProposal' },
          { guard: 'planInvalid', target: 'failed', actions: 'recordPlanIssues' },
          { target: 'failed', actions: 'recordPlanningFailure' },
        ],
        onError: {
          target: 'failed',
          actions: assign({ error: ({ event }) => `planning failed: ${messageOf(event.error)}` }),
        },
      },
    },
    reviewing: {
      entry: 'emitPlanReady',
      always: { guard: 'autoApprove', target: 'preparing' },
      on: {
        'review.approve': 'preparing',
        'review.refine': {
          guard: 'canRefine',
          target: 'planning',
          actions: assign({ feedback: ({ event }) => event.feedback }),
        },
        'review.quit': 'stopped',
      },
    },
    // The run's branch, named and made; the Operator works on it from then on.
    preparing: {
      invoke: {
        id: 'nameBranch',
        src: 'nameBranch',
        input: ({ context }) => ({
          repoDir: context.repoDir,
          plan: context.proposal?.plan ?? { goal: context.goal, stories: [] },
        }),
        onDone: {
          target: 'executing',
          actions: [
            assign({
              branch: ({ event }) => event.output.branch,
              continuedFrom: ({ event }) => event.output.continuedFrom,
            }),
            'spawnOperator',
            'emitBranchCreated',
          ],
        },
        onError: {
          target: 'failed',
          actions: assign({ error: ({ event }) => `naming the branch failed: ${messageOf(event.error)}` }),
        },
      },
    },
    // The integration worktree is only merged into: it is added while the first stories' agents start (their worktrees
    // come first in the Operator), and its lane runs it before any merge.
    executing: {
      initial: 'addingIntegration',
      states: {
        addingIntegration: {
          entry: { type: 'requestGit', params: { op: { kind: 'integration.create' } } },
          on: {
            'operator.done': {
              guard: { type: 'answers', params: { kind: 'integration.create' } },
              target: 'integrationReady',
            },
            'operator.failed': {
              guard: { type: 'answers', params: { kind: 'integration.create' } },
              target: '#run.failed',
              actions: assign({ error: ({ event }) => event.message }),
            },
            RESUME: { target: 'addingIntegration', reenter: true },
          },
        },
        integrationReady: {},
      },
      invoke: {
        id: 'conductor',
        systemId: 'conductor',
        src: 'conductor',
        input: ({ context }) => ({
          stories: context.proposal?.plan.stories ?? [],
          levels: context.proposal?.levels ?? [],
          parallel: context.parallel,
          limits: context.limits,
          replanBudget: context.replanBudget,
          tidyBetweenLevels: context.publish.remote === undefined && !context.publish.keepBranches,
        }),
        onDone: [
          {
            guard: 'mergedAny',
            target: 'verifying',
            actions: assign({ outcome: ({ event }): ConductorOutput => event.output }),
          },
          { target: 'publishing', actions: assign({ outcome: ({ event }): ConductorOutput => event.output }) },
        ],
        onError: {
          target: 'failed',
          actions: assign({ error: ({ event }) => `conductor crashed: ${messageOf(event.error)}` }),
        },
      },
    },
    // The final gate: the project's checks on the integration branch as it will be published.
    verifying: {
      invoke: {
        id: 'finalGate',
        src: 'auditor',
        input: { target: { kind: 'final' } },
        onDone: { target: 'publishing', actions: assign({ finalGate: ({ event }) => event.output }) },
        onError: {
          target: 'publishing',
          actions: assign({ finalGate: ({ event }) => crashedGate('final gate', event.error) }),
        },
      },
    },
    publishing: {
      invoke: {
        id: 'publisher',
        systemId: 'publisher',
        src: 'publisher',
        input: ({ context }) => {
          if (context.outcome === undefined) throw new Error('Run: publishing without an outcome');
          return {
            runId: context.runId,
            outcome: context.outcome,
            // The plan as it ended: a replan's stories are reported with the planned ones.
            plan: { stories: context.outcome.stories, levels: context.proposal?.levels ?? [] },
            options: { ...context.publish, branch: context.branch ?? '', continuedFrom: context.continuedFrom },
            finalGate: context.finalGate,
          };
        },
        // A push that rebased onto the remote's branch ran the final gate again: that is the gate of what was pushed.
        onDone: {
          target: 'completed',
          actions: assign(({ event }) => ({ published: event.output, finalGate: event.output.finalGate })),
        },
        onError: {
          target: 'completed',
          actions: emit(({ event }) => ({
            type: 'run.error' as const,
            message: `publishing crashed: ${messageOf(event.error)}`,
          })),
        },
      },
    },
    completed: { type: 'final' },
    failed: { type: 'final', entry: assign({ ending: 'failed' }) },
    stopped: { type: 'final', entry: assign({ ending: 'stopped' }) },
  },
  output: ({ context }) => ({
    ending: context.ending,
    proposal: context.proposal,
    branch: context.branch,
    planIssues: context.planIssues,
    outcome: context.outcome,
    finalGate: context.finalGate,
    error: context.error,
    published: context.published,
  }),
});
