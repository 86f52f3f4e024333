// The Publisher: the end of a run. Cleans up, pushes, tidies story branches, writes the report, opens the PR.
import { and, assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import { auditorMachine, crashedGate } from './auditor.js';
import type {
  PublisherEmitted,
  PublisherInput,
  PublisherOutput,
  PullRequestRequest,
  ReportRequest,
} from './publish-types.js';
import { pushFailureMessage } from './push-failure.js';
import type { GitOp, OperatorReply, OperatorRequest, PullRequestOutcome, RunReport } from './types.js';

export interface PublisherContext
  extends PublisherInput, Omit<ReportRequest, 'branch' | 'continuedFrom' | 'plan' | 'outcome' | 'rebased'> {
  /** Why the first push was rejected (the remote's branch moved); set while catching up and pushing again. */
  readonly rejection: string | undefined;
  readonly report: RunReport | undefined;
  readonly pr: PullRequestOutcome | undefined;
}

export type PublisherEvent = OperatorReply | { type: 'RESUME' };

const PUSH_FAILED: PullRequestOutcome = {
  status: 'skipped',
  reason: 'the push failed, so GitHub does not have the branch',
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const storiesWith = (context: PublisherContext, status: 'merged' | 'failed') =>
  Object.values(context.outcome.results).filter((result) => result.status === status);

const mergedIds = (context: PublisherContext) => storiesWith(context, 'merged').map((r) => r.storyId);

// A gate that found no checks to run has nothing to say about a rebased branch either.
const gateRanChecks = (context: PublisherContext) =>
  context.finalGate !== undefined && context.finalGate.status !== 'skipped';

export const publisherMachine = setup({
  types: {
    context: {} as PublisherContext,
    events: {} as PublisherEvent,
    input: {} as PublisherInput,
    output: {} as PublisherOutput,
    emitted: {} as PublisherEmitted,
  },
  actors: {
    report: fromPromise<RunReport, ReportRequest>(() => {
      throw new Error('report not provided');
    }),
    pullRequest: fromPromise<PullRequestOutcome, PullRequestRequest>(() => {
      throw new Error('pullRequest not provided');
    }),
    auditor: auditorMachine,
  },
  guards: {
    mergedAny: ({ context }) => mergedIds(context).length > 0,
    hasRemote: ({ context }) => context.options.remote !== undefined,
    keepsBranches: ({ context }) => context.options.keepBranches,
    wantsPr: ({ context }) => context.options.skipPr === undefined,
    prUndecided: ({ context }) => context.pr === undefined,
    remoteMoved: ({ event }) => event.type === 'operator.done' && event.result.kind === 'behind',
    hasFinalGate: ({ context }) => gateRanChecks(context),
  },
  actions: {
    requestGit: enqueueActions(({ context, system, enqueue }, params: { op: GitOp }) => {
      const request: OperatorRequest = {
        type: 'operator.request',
        requestId: `${context.runId}:${params.op.kind}`,
        op: params.op,
        replyTo: 'publisher',
      };
      enqueue.sendTo(system.get('operator'), request);
    }),
    skipPr: assign((_, params: { reason: string }) => ({
      pr: { status: 'skipped', reason: params.reason } satisfies PullRequestOutcome,
    })),
    reportGitFailure: emit(({ event }) => ({
      type: 'run.error' as const,
      message: event.type === 'operator.failed' ? event.message : 'a git operation failed',
    })),
    notePush: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ pushed: true });
      enqueue.emit({
        type: 'branch.pushed',
        branch: context.options.branch,
        remote: context.options.remote ?? '',
        rebased: context.rejection !== undefined,
      });
    }),
    noteRejection: assign({
      rejection: ({ event }) =>
        event.type === 'operator.done' && event.result.kind === 'behind' ? event.result.message : undefined,
    }),
    // Story branches stay when the push failed: the remote does not hold their merges yet.
    failPush: assign(({ context, event }, params: { secondTry: boolean }) => ({
      pushError: pushFailureMessage({ ...context.options, rejection: context.rejection, reply: event, ...params }),
      pr: PUSH_FAILED,
    })),
    noteDeleted: assign({
      deletedBranches: ({ event }) =>
        event.type === 'operator.done' && event.result.kind === 'deleted' ? event.result.storyIds : [],
    }),
  },
}).createMachine({
  id: 'publisher',
  context: ({ input }) => ({
    ...input,
    pushed: false,
    rejection: undefined,
    pushError: undefined,
    deletedBranches: undefined,
    report: undefined,
    pr: undefined,
  }),
  initial: 'cleaningUp',
  states: {
    cleaningUp: {
      entry: {
        type: 'requestGit',
        params: ({ context }) => ({
          op: {
            kind: 'cleanup',
            merged: mergedIds(context),
            failed: storiesWith(context, 'failed').map((r) => ({ storyId: r.storyId, reason: r.reason ?? 'failed' })),
          },
        }),
      },
      on: {
        'operator.done': 'choosingPush',
        'operator.failed': { target: 'choosingPush', actions: 'reportGitFailure' },
        RESUME: { target: 'cleaningUp', reenter: true },
      },
    },
    choosingPush: {
      always: [
        { guard: 'mergedAny', target: 'choosingRemote' },
        {
          target: 'reporting',
          actions: { type: 'skipPr', params: { reason: 'no story was merged, so there is nothing to review' } },
        },
      ],
    },
    choosingRemote: {
      always: [
        { guard: and(['hasRemote', 'wantsPr']), target: 'pushing' },
        {
          guard: 'hasRemote',
          target: 'pushing',
          actions: { type: 'skipPr', params: ({ context }) => ({ reason: context.options.skipPr ?? '' }) },
        },
        {
          target: 'choosingTidy',
          actions: {
            type: 'skipPr',
            params: ({ context }) => ({ reason: context.options.skipPr ?? 'there is no remote to push to' }),
          },
        },
      ],
    },
    pushing: {
      entry: { type: 'requestGit', params: { op: { kind: 'push' } } },
      on: {
        'operator.done': [
          { guard: 'remoteMoved', target: 'catchingUp', actions: 'noteRejection' },
          { target: 'choosingTidy', actions: 'notePush' },
        ],
        'operator.failed': { target: 'reporting', actions: { type: 'failPush', params: { secondTry: false } } },
        RESUME: { target: 'pushing', reenter: true },
      },
    },
    // The remote's branch moved: fetch it and rebase onto it, never force; the branch now holds commits no gate saw.
    catchingUp: {
      entry: {
        type: 'requestGit',
        params: ({ context }) => ({ op: { kind: 'push.catchUp', keepWorktree: gateRanChecks(context) } }),
      },
      on: {
        'operator.done': [{ guard: 'hasFinalGate', target: 'regating' }, { target: 'pushingAgain' }],
        'operator.failed': { target: 'reporting', actions: { type: 'failPush', params: { secondTry: false } } },
        RESUME: { target: 'catchingUp', reenter: true },
      },
    },
    // The final gate again, on the rebased branch checked out in the integration worktree; what it finds is reported,
    // and the branch is pushed either way: nothing is lost, and the PR says whether its checks pass.
    regating: {
      invoke: {
        id: 'finalGate',
        src: 'auditor',
        input: { target: { kind: 'final' } },
        onDone: { target: 'releasingWorktree', actions: assign({ finalGate: ({ event }) => event.output }) },
        onError: {
          target: 'releasingWorktree',
          actions: assign({ finalGate: ({ event }) => crashedGate('final gate', event.error) }),
        },
      },
    },
    releasingWorktree: {
      entry: { type: 'requestGit', params: { op: { kind: 'cleanup', merged: [], failed: [] } } },
      on: {
        'operator.done': 'pushingAgain',
        'operator.failed': { target: 'pushingAgain', actions: 'reportGitFailure' },
        RESUME: { target: 'releasingWorktree', reenter: true },
      },
    },
    pushingAgain: {
      entry: { type: 'requestGit', params: { op: { kind: 'push' } } },
      on: {
        'operator.done': [
          { guard: 'remoteMoved', target: 'reporting', actions: { type: 'failPush', params: { secondTry: true } } },
          { target: 'choosingTidy', actions: 'notePush' },
        ],
        'operator.failed': { target: 'reporting', actions: { type: 'failPush', params: { secondTry: true } } },
        RESUME: { target: 'pushingAgain', reenter: true },
      },
    },
    choosingTidy: {
      always: [{ guard: 'keepsBranches', target: 'reporting' }, { target: 'tidying' }],
    },
    tidying: {
      entry: {
        type: 'requestGit',
        params: ({ context }) => ({ op: { kind: 'branches.delete', storyIds: mergedIds(context) } }),
      },
      on: {
        'operator.done': { target: 'reporting', actions: 'noteDeleted' },
        'operator.failed': { target: 'reporting', actions: 'reportGitFailure' },
        RESUME: { target: 'tidying', reenter: true },
      },
    },
    reporting: {
      invoke: {
        src: 'report',
        input: ({ context }) => ({
          branch: context.options.branch,
          continuedFrom: context.options.continuedFrom,
          plan: context.plan,
          outcome: context.outcome,
          pushed: context.pushed,
          rebased: context.pushed && context.rejection !== undefined,
          pushError: context.pushError,
          deletedBranches: context.deletedBranches,
        }),
        onDone: [
          { guard: 'prUndecided', target: 'openingPr', actions: assign({ report: ({ event }) => event.output }) },
          { target: 'done', actions: assign({ report: ({ event }) => event.output }) },
        ],
        onError: {
          target: 'done',
          actions: [
            emit(({ event }) => ({ type: 'run.error' as const, message: `report: ${messageOf(event.error)}` })),
            assign({
              pr: ({ context, event }): PullRequestOutcome =>
                context.pr ?? {
                  status: 'skipped',
                  reason: `the report could not be written (${messageOf(event.error)})`,
                },
            }),
          ],
        },
      },
    },
    openingPr: {
      invoke: {
        src: 'pullRequest',
        input: ({ context }) => {
          if (context.report === undefined) throw new Error('Publisher: opening a pull request without a report');
          return { branch: context.options.branch, report: context.report };
        },
        onDone: {
          target: 'done',
          actions: [
            assign({ pr: ({ event }) => event.output }),
            enqueueActions(({ event, enqueue }) => {
              const pr = event.output;
              if (pr.status === 'opened' || pr.status === 'updated')
                enqueue.emit({ type: 'pr.opened', url: pr.url, number: pr.number, updated: pr.status === 'updated' });
            }),
          ],
        },
        onError: {
          target: 'done',
          actions: assign({
            pr: ({ event }): PullRequestOutcome => ({ status: 'failed', error: messageOf(event.error) }),
          }),
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({
    pushed: context.pushed,
    pushError: context.pushError,
    report: context.report,
    pr: context.pr,
    finalGate: context.finalGate,
  }),
});
