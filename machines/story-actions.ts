// What a Story Agent does on its way from worktree to merge: the actions of its agent turns, git steps and pauses.
import { assign, emit, enqueueActions, sendParent } from 'xstate';
import type { GitOp, OperatorRequest } from './types.js';
import type { LibrarianEvent } from './librarian.js';
import type { SentryEvent } from './sentry.js';
import type { StoryParentEvent, StoryResult } from './story-events.js';
import {
  accrue,
  gitFailureText,
  outcomeText,
  resultOf,
  setupFailureText,
  storySystemId,
  turnNumber,
} from './story-context.js';
import { retryDelayMs, quotaDeadline } from './story-policy.js';
import { nextPurpose, storySetup } from './story-setup.js';

/** How a story ends: merged or failed, and for a failure that no replan of the story can fix, where. */
export interface FinishParams {
  readonly status: StoryResult['status'];
  readonly failedIn?: StoryResult['failedIn'];
}

export const storyLifecycle = storySetup.extend({
  actions: {
    startTurn: assign(({ context }) => ({
      attempts: context.attempts + 1,
      turnWarnings: context.warnings,
      warnings: [],
      // Messages held back since the last turn go into this turn's prompt, and count as heard.
      turnNotices: context.withheld.map((message) => message.text),
      heard: [...context.heard, ...context.withheld.map((message) => message.key)],
      withheld: [],
    })),
    emitStarted: emit(({ context }) => ({
      type: 'story.started' as const,
      storyId: context.storyId,
      attempt: turnNumber(context),
      purpose: context.purpose,
    })),
    requestGit: enqueueActions(
      (
        { context, system, enqueue },
        params: { kind: 'story.worktree' | 'story.commit' | 'story.merge' | 'story.continue' },
      ) => {
        const message =
          params.kind === 'story.commit'
            ? `${context.storyId}: ${context.story.title}`
            : `Merge ${context.storyId}: ${context.story.title}`;
        const op: GitOp =
          params.kind === 'story.worktree'
            ? { kind: params.kind, storyId: context.storyId, prefer: context.sessionWorktree }
            : { kind: params.kind, storyId: context.storyId, worktree: context.worktree, message };
        const request: OperatorRequest = {
          type: 'operator.request',
          requestId: `${context.storyId}:${params.kind}:${context.attempts}`,
          op,
          replyTo: storySystemId(context.storyId),
        };
        enqueue.assign({ awaiting: request.requestId });
        enqueue.sendTo(system.get('operator'), request);
      },
    ),
    requestBrief: enqueueActions(({ context, self, system, enqueue }) => {
      const request: LibrarianEvent = { type: 'librarian.brief.request', storyId: context.storyId, replyTo: self };
      enqueue.sendTo(system.get('librarian'), request);
    }),
    recordBrief: assign({ brief: ({ event }) => (event.type === 'librarian.brief' ? event.brief : '') }),
    // A session continued from an earlier run is found only from the worktree it ran in: given another, a new one starts.
    recordWorktree: assign(({ context, event }) => {
      if (event.type !== 'operator.done' || event.result.kind !== 'worktree') return {};
      const elsewhere = context.sessionWorktree !== undefined && context.sessionWorktree !== event.result.path;
      return {
        worktree: event.result.path,
        ...(elsewhere ? { sessionId: undefined, sessionWorktree: undefined } : {}),
      };
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
      if (!context.denials.includes(event.rule)) enqueue.assign({ denials: [...context.denials, event.rule] });
      enqueue.emit({
        type: 'story.denied',
        storyId: context.storyId,
        tool: event.tool,
        message: event.message,
        rule: event.rule,
      });
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
        retryAt: quotaDeadline(event.result.outcome.resetsAt, event.endedAt, context.limits.quotaMarginMs),
        reason: outcomeText(event.result),
        purpose: nextPurpose(context),
      };
    }),
    forwardQuotaWarning: sendParent(({ context, event }) => ({
      type: 'story.quota.warning' as const,
      storyId: context.storyId,
      utilization: event.type === 'agent.quota.warning' ? event.utilization : 0,
      until: event.type === 'agent.quota.warning' ? quotaDeadline(event.resetsAt, 0, context.limits.quotaMarginMs) : 0,
    })),
    recordPid: assign({
      agentPid: ({ context, event }) => (event.type === 'agent.spawned' ? event.pid : context.agentPid),
    }),
    emitResumed: emit(({ context, event }) => ({
      type: 'story.resumed' as const,
      storyId: context.storyId,
      how: event.type === 'agent.restored' ? event.how : 'restarted',
      sessionId: event.type === 'agent.restored' ? event.sessionId : undefined,
    })),
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
    failWithGit: assign({ reason: ({ event }) => gitFailureText(event) }),
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
    tellAgentStarted: sendParent(({ context }): StoryParentEvent => ({
      type: 'story.agent.started',
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
    finish: enqueueActions(({ context, system, enqueue }, params: FinishParams) => {
      if (params.status === 'merged')
        enqueue.emit({ type: 'story.merged', storyId: context.storyId, sha: context.sha ?? '', files: context.files });
      else enqueue.emit({ type: 'story.failed', storyId: context.storyId, reason: context.reason ?? 'unknown' });
      const release: SentryEvent = { type: 'sentry.release', storyId: context.storyId };
      enqueue.sendTo(system.get('sentry'), release);
      if (params.status === 'merged') {
        const merge = { storyId: context.storyId, sha: context.sha ?? '', files: context.files };
        const merged: LibrarianEvent = { type: 'librarian.merged', merge };
        enqueue.sendTo(system.get('librarian'), merged);
      }
      // The worktree goes back to the pool for the next story; nobody waits for the answer.
      if (context.worktree !== undefined) {
        const giveBack: OperatorRequest = {
          type: 'operator.request',
          requestId: `${context.storyId}:story.release:${context.attempts}`,
          op: {
            kind: 'story.release',
            storyId: context.storyId,
            worktree: context.worktree,
            outcome: params.status,
            reason: context.reason ?? 'unknown',
          },
          replyTo: undefined,
        };
        enqueue.sendTo(system.get('operator'), giveBack);
      }
      enqueue.assign({ result: resultOf(context, params.status, params.failedIn) });
    }),
  },
});
