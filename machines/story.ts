// A Story Agent: one story's lifecycle from its worktree to its merge, with retries, quota pauses and conflict rounds.
import { assign, emit, enqueueActions, fromCallback, fromPromise, sendParent, setup } from 'xstate';
import type { GitOp, OperatorRequest } from './types.js';
import type { LibrarianEvent } from './librarian.js';
import type { SentryEvent } from './sentry.js';
import type {
  AgentPurpose,
  AgentSessionInput,
  StoryEmitted,
  StoryEvent,
  StoryParentEvent,
  StoryResult,
  WorktreeSetupOutput,
} from './story-events.js';
import { accrue, outcomeText, resultOf, sessionInput, setupFailureText } from './story-context.js';
import type { StoryContext, StoryInput } from './story-context.js';
import { retryDelayMs, quotaDeadline } from './story-policy.js';

// What a story does while its agent works, whichever turn it is.
const agentActivity = {
  'agent.session': { actions: 'recordSession' },
  'agent.tool': { actions: 'forwardTool' },
  'agent.touch': { actions: 'forwardTouch' },
  'agent.denied': { actions: 'recordDenial' },
} as const;

// After a pause, the interrupted turn again: a conflict resolution stays one.
const nextTurn = [{ guard: 'resolvingConflict', target: 'resolving' }, { target: 'working' }] as const;

// The Operator's answer to a merge, first try or after a resolved conflict.
const mergeReplies = {
  'operator.done': [
    { guard: 'merged', target: 'done', actions: 'recordMerge' },
    { guard: 'canResolve', target: 'awaitingSlot', actions: 'recordConflict' },
    { target: 'failed', actions: 'failWithGit' },
  ],
  'operator.failed': { target: 'failed', actions: 'failWithGit' },
} as const;

/** A conflict resolution resumes as one; other turns resume the session when there is one. */
function nextPurpose(context: StoryContext): AgentPurpose {
  if (context.purpose === 'resolve') return 'resolve';
  return context.sessionId ? 'retry' : 'story';
}

export const storyMachine = setup({
  types: {
    context: {} as StoryContext,
    events: {} as StoryEvent,
    input: {} as StoryInput,
    emitted: {} as StoryEmitted,
    output: {} as StoryResult,
  },
  actors: {
    agentSession: fromCallback<StoryEvent, AgentSessionInput>(() => {
      throw new Error('agentSession not provided');
    }),
    sleepUntil: fromPromise<void, { until: number }>(() => {
      throw new Error('sleepUntil not provided');
    }),
    worktreeSetup: fromPromise<WorktreeSetupOutput, { storyId: string }>(() => {
      throw new Error('worktreeSetup not provided');
    }),
  },
  guards: {
    // Provided by the composition root: whether the config has files to copy or commands to run in a new worktree.
    worktreeSetupConfigured: () => false,
    setupFailed: ({ event }) => setupFailureText(event) !== undefined,
    succeeded: ({ event }) =>
      event.type === 'agent.exited' && (event.result.outcome.kind === 'ok' || event.result.outcome.kind === 'denied'),
    usageLimit: ({ event }) => event.type === 'agent.exited' && event.result.outcome.kind === 'usage_limit',
    retryable: ({ context, event }) =>
      event.type === 'agent.exited' &&
      (event.result.outcome.kind === 'transient' || event.result.outcome.kind === 'killed') &&
      context.transientFailures < context.limits.transientRetries,
    resolvingConflict: ({ context }) => context.purpose === 'resolve',
    hasChanges: ({ event }) =>
      event.type === 'operator.done' && event.result.kind === 'committed' && event.result.files.length > 0,
    merged: ({ event }) => event.type === 'operator.done' && event.result.kind === 'merged',
    canResolve: ({ context, event }) =>
      event.type === 'operator.done' &&
      (event.result.kind === 'conflict' || event.result.kind === 'unresolved') &&
      context.conflictRounds < context.limits.conflictRounds,
  },
  actions: {
    startTurn: assign(({ context }) => ({
      attempts: context.attempts + 1,
      turnWarnings: context.warnings,
      warnings: [],
    })),
    emitStarted: emit(({ context }) => ({
      type: 'story.started' as const,
      storyId: context.storyId,
      attempt: context.attempts,
      purpose: context.purpose,
    })),
    requestGit: enqueueActions(
      (
        { context, self, system, enqueue },
        params: { kind: 'story.worktree' | 'story.commit' | 'story.merge' | 'story.continue' },
      ) => {
        const message =
          params.kind === 'story.commit'
            ? `${context.storyId}: ${context.story.title}`
            : `Merge ${context.storyId}: ${context.story.title}`;
        const op: GitOp =
          params.kind === 'story.worktree'
            ? { kind: params.kind, storyId: context.storyId }
            : { kind: params.kind, storyId: context.storyId, message };
        const request: OperatorRequest = {
          type: 'operator.request',
          requestId: `${context.storyId}:${params.kind}:${context.attempts}`,
          op,
          replyTo: self,
        };
        enqueue.sendTo(system.get('operator'), request);
      },
    ),
    requestBrief: enqueueActions(({ context, self, system, enqueue }) => {
      const request: LibrarianEvent = { type: 'librarian.brief.request', storyId: context.storyId, replyTo: self };
      enqueue.sendTo(system.get('librarian'), request);
    }),
    recordSession: assign({
      sessionId: ({ context, event }) => (event.type === 'agent.session' ? event.sessionId : context.sessionId),
    }),
    forwardTool: enqueueActions(({ context, event, system, enqueue }) => {
      if (event.type !== 'agent.tool') return;
      const o = event.observation;
      const observe: LibrarianEvent = { type: 'librarian.observe', observation: o };
      enqueue.sendTo(system.get('librarian'), observe);
      enqueue.emit({
        type: 'story.tool',
        storyId: context.storyId,
        kind: o.kind,
        name: o.name,
        paths: o.paths,
        command: o.command,
        ok: o.ok,
      });
    }),
    forwardTouch: enqueueActions(({ context, event, system, enqueue }) => {
      if (event.type !== 'agent.touch') return;
      const touch: SentryEvent = { type: 'sentry.touch', storyId: context.storyId, paths: event.paths };
      enqueue.sendTo(system.get('sentry'), touch);
    }),
    recordDenial: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'agent.denied') return;
      enqueue.assign({ denials: [...context.denials, event.tool] });
      enqueue.emit({ type: 'story.denied', storyId: context.storyId, tool: event.tool, message: event.message });
    }),
    addWarning: assign({
      warnings: ({ context, event }) =>
        event.type === 'story.warning' ? [...context.warnings, event.warning] : context.warnings,
    }),
    accrueTurn: assign(({ context, event }) => (event.type === 'agent.exited' ? accrue(context, event.result) : {})),
    scheduleRetry: assign(({ context, event }) => {
      if (event.type !== 'agent.exited') return {};
      return {
        transientFailures: context.transientFailures + 1,
        retryAt: event.endedAt + retryDelayMs(context.transientFailures),
        reason: outcomeText(event.result),
        purpose: nextPurpose(context),
      };
    }),
    scheduleQuotaWait: assign(({ context, event }) => {
      if (event.type !== 'agent.exited' || event.result.outcome.kind !== 'usage_limit') return {};
      return {
        retryAt: quotaDeadline(event.result.outcome.resetsAt, event.endedAt),
        reason: outcomeText(event.result),
        purpose: nextPurpose(context),
      };
    }),
    emitSetup: emit(({ context }) => ({ type: 'story.setup' as const, storyId: context.storyId })),
    failWithSetup: assign({ reason: ({ event }) => setupFailureText(event) }),
    failWithOutcome: assign({
      reason: ({ event }) => (event.type === 'agent.exited' ? outcomeText(event.result) : 'agent failed'),
    }),
    recordConflict: assign(({ context, event }) => {
      if (event.type !== 'operator.done' || (event.result.kind !== 'conflict' && event.result.kind !== 'unresolved'))
        return {};
      return {
        conflict: { files: event.result.files, onto: event.result.onto },
        conflictRounds: context.conflictRounds + 1,
        purpose: 'resolve' as const,
      };
    }),
    recordCommit: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'operator.done' || event.result.kind !== 'committed') return;
      enqueue.assign({ files: event.result.files, sha: event.result.sha });
      enqueue.emit({
        type: 'story.committed',
        storyId: context.storyId,
        sha: event.result.sha,
        files: event.result.files,
      });
    }),
    recordMerge: assign(({ event }) =>
      event.type === 'operator.done' && event.result.kind === 'merged' ? { sha: event.result.sha } : {},
    ),
    failWithGit: assign({
      reason: ({ event }) => {
        if (event.type === 'operator.failed') return `git: ${event.message}`;
        if (event.type === 'operator.done' && event.result.kind === 'committed')
          return 'the agent finished without changing any file';
        if (
          event.type === 'operator.done' &&
          (event.result.kind === 'conflict' || event.result.kind === 'unresolved')
        ) {
          return `merge conflict not resolved after the allowed rounds: ${event.result.files.join(', ')}`;
        }
        return 'unexpected git result';
      },
    }),
    emitRetry: emit(({ context }) => ({
      type: 'story.retry' as const,
      storyId: context.storyId,
      reason: context.reason ?? '',
      at: context.retryAt ?? 0,
    })),
    emitConflict: emit(({ context }) => ({
      type: 'story.conflict' as const,
      storyId: context.storyId,
      files: context.conflict?.files ?? [],
      round: context.conflictRounds,
    })),
    releaseSlot: sendParent(({ context }): StoryParentEvent => ({
      type: 'story.slot.released',
      storyId: context.storyId,
    })),
    requestSlot: sendParent(({ context }): StoryParentEvent => ({
      type: 'story.slot.requested',
      storyId: context.storyId,
    })),
    pauseForQuota: enqueueActions(({ context, enqueue }) => {
      const until = context.retryAt ?? 0;
      enqueue.emit({ type: 'quota.paused', storyId: context.storyId, until });
      enqueue.sendParent({ type: 'story.quota.paused', storyId: context.storyId, until } satisfies StoryParentEvent);
    }),
    resumeFromQuota: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'quota.resumed', storyId: context.storyId });
      enqueue.sendParent({ type: 'story.quota.resumed', storyId: context.storyId } satisfies StoryParentEvent);
    }),
    finish: enqueueActions(({ context, system, enqueue }, params: { status: StoryResult['status'] }) => {
      if (params.status === 'merged')
        enqueue.emit({ type: 'story.merged', storyId: context.storyId, sha: context.sha ?? '', files: context.files });
      else enqueue.emit({ type: 'story.failed', storyId: context.storyId, reason: context.reason ?? 'unknown' });
      const release: SentryEvent = { type: 'sentry.release', storyId: context.storyId };
      enqueue.sendTo(system.get('sentry'), release);
      enqueue.assign({ result: resultOf(context, params.status) });
    }),
  },
}).createMachine({
  id: 'story',
  context: ({ input }) => ({
    storyId: input.story.id,
    story: input.story,
    dependencies: input.dependencies,
    limits: input.limits,
    brief: '',
    // A story sent back by a replan continues its earlier session when it has one.
    sessionId: input.guidance?.sessionId,
    purpose: input.guidance === undefined ? 'story' : 'guided',
    guidance: input.guidance?.text ?? '',
    warnings: [],
    turnWarnings: [],
    attempts: 0,
    transientFailures: 0,
    conflictRounds: 0,
    conflict: undefined,
    retryAt: undefined,
    reason: undefined,
    agentMs: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    files: [],
    sha: undefined,
    denials: [],
    result: undefined,
  }),
  initial: 'preparing',
  on: {
    'story.warning': { actions: 'addWarning' },
  },
  states: {
    preparing: {
      entry: { type: 'requestGit', params: { kind: 'story.worktree' } },
      on: {
        'operator.done': [{ guard: 'worktreeSetupConfigured', target: 'settingUp' }, { target: 'briefing' }],
        'operator.failed': { target: 'failed', actions: 'failWithGit' },
        RESUME: { target: 'preparing', reenter: true },
      },
    },
    settingUp: {
      entry: 'emitSetup',
      invoke: {
        id: 'setup',
        src: 'worktreeSetup',
        input: ({ context }) => ({ storyId: context.storyId }),
        onDone: [{ guard: 'setupFailed', target: 'failed', actions: 'failWithSetup' }, { target: 'briefing' }],
        onError: { target: 'failed', actions: 'failWithSetup' },
      },
    },
    briefing: {
      entry: 'requestBrief',
      on: {
        'librarian.brief': { target: 'working', actions: assign({ brief: ({ event }) => event.brief }) },
        RESUME: { target: 'briefing', reenter: true },
      },
    },
    working: {
      entry: ['startTurn', 'emitStarted'],
      invoke: { id: 'agent', src: 'agentSession', input: ({ context }) => sessionInput(context) },
      on: {
        ...agentActivity,
        'agent.exited': [
          { guard: 'succeeded', target: 'committing', actions: ['accrueTurn', 'releaseSlot'] },
          { guard: 'usageLimit', target: 'waitingForQuota', actions: ['accrueTurn', 'scheduleQuotaWait'] },
          { guard: 'retryable', target: 'backingOff', actions: ['accrueTurn', 'scheduleRetry'] },
          { target: 'failed', actions: ['accrueTurn', 'failWithOutcome'] },
        ],
      },
    },
    backingOff: {
      entry: 'emitRetry',
      invoke: {
        id: 'backoff',
        src: 'sleepUntil',
        input: ({ context }) => ({ until: context.retryAt ?? 0 }),
        onDone: nextTurn,
      },
    },
    waitingForQuota: {
      entry: 'pauseForQuota',
      exit: 'resumeFromQuota',
      invoke: {
        id: 'quota',
        src: 'sleepUntil',
        input: ({ context }) => ({ until: context.retryAt ?? 0 }),
        onDone: nextTurn,
      },
    },
    committing: {
      entry: { type: 'requestGit', params: { kind: 'story.commit' } },
      on: {
        'operator.done': [
          { guard: 'hasChanges', target: 'merging', actions: 'recordCommit' },
          { target: 'failed', actions: 'failWithGit' },
        ],
        'operator.failed': { target: 'failed', actions: 'failWithGit' },
        RESUME: { target: 'committing', reenter: true },
      },
    },
    merging: {
      entry: { type: 'requestGit', params: { kind: 'story.merge' } },
      on: { ...mergeReplies, RESUME: { target: 'merging', reenter: true } },
    },
    awaitingSlot: {
      entry: 'requestSlot',
      on: {
        'story.slot.granted': 'resolving',
        RESUME: { target: 'awaitingSlot', reenter: true },
      },
    },
    resolving: {
      entry: ['startTurn', 'emitConflict', 'emitStarted'],
      invoke: { id: 'resolver', src: 'agentSession', input: ({ context }) => sessionInput(context) },
      on: {
        ...agentActivity,
        'agent.exited': [
          { guard: 'succeeded', target: 'continuing', actions: ['accrueTurn', 'releaseSlot'] },
          { guard: 'usageLimit', target: 'waitingForQuota', actions: ['accrueTurn', 'scheduleQuotaWait'] },
          { guard: 'retryable', target: 'backingOff', actions: ['accrueTurn', 'scheduleRetry'] },
          { target: 'failed', actions: ['accrueTurn', 'failWithOutcome'] },
        ],
      },
    },
    continuing: {
      entry: { type: 'requestGit', params: { kind: 'story.continue' } },
      on: { ...mergeReplies, RESUME: { target: 'continuing', reenter: true } },
    },
    done: { type: 'final', entry: { type: 'finish', params: { status: 'merged' } } },
    failed: { type: 'final', entry: { type: 'finish', params: { status: 'failed' } } },
  },
  output: ({ context }) => context.result ?? resultOf(context, 'failed'),
});
