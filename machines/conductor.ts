// The Conductor: runs the plan level by level, at most `parallel` stories at once, survives story crashes, and
// between levels runs the integration gate and applies the Surgeon's replans.
import { and, assertEvent, assign, emit, enqueueActions, sendTo, stopChild } from 'xstate';
import { levelSettled, nextLevel, propagateFailure, writeOverlaps } from './dag.js';
import {
  applyProposal,
  casesOf,
  errorText,
  fallbackFor,
  NO_REPLANS,
  setupFailures,
  skippedCases,
  surgeonInput,
  surgeonProposal,
} from './conductor-replan.js';
import { replan } from './replan.js';
import type { SentryEvent } from './sentry.js';
import type { OperatorRequest } from './types.js';
import { conductorSlots, grantable, granting } from './conductor-slots.js';
import {
  byId,
  combinedResult,
  crashedResult,
  crashOf,
  finishedResult,
  gateOutputOf,
  newlyBlocked,
  surgeonOutputOf,
  withoutStory,
} from './conductor-context.js';
import type { ConductorContext, ConductorEvent } from './conductor-context.js';

export type {
  ConductorContext,
  ConductorEmitted,
  ConductorEvent,
  ConductorInput,
  ConductorOutput,
  ReplanCause,
} from './conductor-context.js';

// What a story crash does, wherever the schedule stands: the story fails and lets go of what it held.
const crashActions = ['emitCrash', 'stopStory', 'releaseFiles', 'recordCrash'] as const;

function replanned(context: ConductorContext, event: ConductorEvent) {
  if (event.type !== 'conductor.replan') return undefined;
  return replan({ stories: context.stories, status: context.status, level: context.current }, event.change);
}

export const conductorMachine = conductorSlots
  .extend({
    guards: {
      levelSettled: ({ context }) => levelSettled(context.current, context.status),
      storiesRemain: ({ context }) => context.stories.some((story) => !Object.hasOwn(context.levelOf, story.id)),
      tidiesBetweenLevels: ({ context }) => context.tidyBetweenLevels,
      warningOverThreshold: ({ context, event }) =>
        event.type === 'story.quota.warning' &&
        event.utilization >= (context.limits.pauseAtUtilization ?? Infinity) &&
        event.until > (context.heldUntil ?? 0),
      startsHeld: ({ context }) => context.heldUntil !== undefined,
      lastPauseLifted: ({ context, event }) =>
        event.type === 'story.quota.resumed' && Object.keys(withoutStory(context, event.storyId).paused).length === 0,
      crashedWhileRunning: ({ context, event }) => {
        const crash = crashOf(event);
        return crash !== undefined && context.status[crash.storyId] === 'running';
      },
      crashLiftsLastPause: ({ context, event }) => {
        const crash = crashOf(event);
        if (!crash || context.status[crash.storyId] !== 'running' || !Object.hasOwn(context.paused, crash.storyId))
          return false;
        return Object.keys(withoutStory(context, crash.storyId).paused).length === 0;
      },
      replanApplies: ({ context, event }) => replanned(context, event)?.ok === true,
      levelMerged: ({ context }) => context.current.some((id) => context.status[id] === 'merged'),
      noCaseLeft: ({ context }) => context.cases.length === 0,
      budgetSpent: ({ context }) => context.replanBudget <= 0,
      surgeonProposed: ({ event }) => surgeonOutputOf(event)?.status === 'proposed',
    },
    actions: {
      placeNextLevel: assign(({ context }) => {
        const current = nextLevel(context.stories, (id) => Object.hasOwn(context.levelOf, id));
        const level = context.level + 1;
        return {
          level,
          current,
          levelOf: { ...context.levelOf, ...Object.fromEntries(current.map((id) => [id, level])) },
        };
      }),
      emitLevelStarted: emit(({ context }) => ({
        type: 'level.started' as const,
        level: context.level,
        stories: context.current,
      })),
      // Stories of one level that plan to write the same file are told about it as the level starts.
      declareOverlaps: sendTo(
        ({ system }) => system.get('sentry'),
        ({ context }): SentryEvent => ({
          type: 'sentry.declare',
          overlaps: writeOverlaps(context.current.map((id) => byId(context.stories, id))),
        }),
      ),
      recordFinished: assign(({ context, event }) => {
        const result = finishedResult(event);
        if (!result) return {};
        return {
          status: { ...context.status, [result.storyId]: result.status },
          results: { ...context.results, [result.storyId]: combinedResult(context.results[result.storyId], result) },
          ...withoutStory(context, result.storyId),
        };
      }),
      stopStory: stopChild(({ event }) => finishedResult(event)?.storyId ?? crashOf(event)?.storyId ?? ''),
      emitCrash: emit(({ event }) => ({
        type: 'story.failed' as const,
        storyId: crashOf(event)?.storyId ?? '',
        reason: crashOf(event)?.reason ?? '',
      })),
      // A crashed story can no longer release the files it touched.
      releaseFiles: sendTo(
        ({ system }) => system.get('sentry'),
        ({ event }): SentryEvent => ({ type: 'sentry.release', storyId: crashOf(event)?.storyId ?? '' }),
      ),
      recordCrash: assign(({ context, event }) => {
        const crash = crashOf(event);
        if (!crash) return {};
        return {
          status: { ...context.status, [crash.storyId]: 'failed' as const },
          results: {
            ...context.results,
            [crash.storyId]: combinedResult(context.results[crash.storyId], crashedResult(crash.storyId, crash.reason)),
          },
          ...withoutStory(context, crash.storyId),
        };
      }),
      recordHold: assign({
        heldUntil: ({ context, event }) => (event.type === 'story.quota.warning' ? event.until : context.heldUntil),
      }),
      emitHeld: emit(({ event }) => {
        assertEvent(event, 'story.quota.warning');
        return {
          type: 'quota.held' as const,
          storyId: event.storyId,
          utilization: event.utilization,
          until: event.until,
        };
      }),
      emitReleased: emit(({ context }) => ({ type: 'quota.released' as const, until: context.heldUntil ?? 0 })),
      forgetHold: assign({ heldUntil: undefined }),
      pause: assign({
        paused: ({ context, event }) =>
          event.type === 'story.quota.paused' ? { ...context.paused, [event.storyId]: event.until } : context.paused,
      }),
      unpause: assign({
        paused: ({ context, event }) =>
          event.type === 'story.quota.resumed' ? withoutStory(context, event.storyId).paused : context.paused,
      }),
      blockDependents: enqueueActions(({ context, enqueue }) => {
        // Earlier failures blocked their dependents when their level settled: only a failure in this level adds any,
        // and the walk of the whole plan and the copy of its status are for that case alone.
        if (!context.current.some((id) => context.status[id] === 'failed')) return;
        const status = propagateFailure(context.status, context.stories);
        for (const blocked of newlyBlocked(context.stories, context.status, status))
          enqueue.emit({ type: 'story.blocked', ...blocked });
        enqueue.assign({ status });
      }),
      emitLevelCompleted: emit(({ context }) => {
        const having = (s: string) => context.current.filter((id) => context.status[id] === s);
        return {
          type: 'level.completed' as const,
          level: context.level,
          merged: having('merged'),
          failed: having('failed'),
          blocked: having('blocked'),
        };
      }),
      applyReplan: enqueueActions(({ context, event, enqueue }) => {
        const result = replanned(context, event);
        if (!result?.ok) return;
        for (const blocked of newlyBlocked(result.stories, context.status, result.status))
          enqueue.emit({ type: 'story.blocked', ...blocked });
        // A story the replan reopens waits for a later level, wherever it stood before; its result stays to add up.
        const placed = (id: string) => result.status[id] !== 'pending' || context.current.includes(id);
        const levelOf = Object.fromEntries(Object.entries(context.levelOf).filter(([id]) => placed(id)));
        enqueue.assign({ stories: result.stories, status: result.status, levelOf });
      }),
      // Nobody waits for the answer: a branch left by a failed deletion goes at the run's end with the rest.
      deleteLevelBranches: sendTo(
        ({ system }) => system.get('operator'),
        ({ context }): OperatorRequest => ({
          type: 'operator.request',
          requestId: `conductor:branches.delete:${context.level}`,
          op: { kind: 'branches.delete', storyIds: context.current.filter((id) => context.status[id] === 'merged') },
          replyTo: undefined,
        }),
      ),
      forgetGate: assign({ gate: undefined }),
      recordGate: assign({ gate: ({ event }) => gateOutputOf(event) }),
      emitGateError: emit(({ context, event }) => ({
        type: 'gate.error' as const,
        level: context.level,
        message: 'error' in event ? errorText(event.error) : 'the gate stopped',
      })),
      collectCases: assign({ cases: ({ context }) => casesOf(context) }),
      skipSetupFailures: enqueueActions(({ context, enqueue }) => {
        for (const skipped of setupFailures(context)) enqueue.emit(skipped);
      }),
      // Without budget the remaining failures stay as they are, and each says why.
      skipCases: enqueueActions(({ context, enqueue }) => {
        for (const skipped of skippedCases(context)) enqueue.emit(skipped);
        enqueue.assign({ cases: [] });
      }),
      recordProposal: assign({ proposal: ({ event }) => surgeonProposal(event) }),
      recordFallback: assign(({ context, event }) => fallbackFor(context, event)),
      applyProposal: enqueueActions(({ context, enqueue }) => {
        const applied = applyProposal(context);
        if (!applied) return;
        for (const blocked of applied.blocked) enqueue.emit({ type: 'story.blocked', ...blocked });
        enqueue.assign(applied.update);
        enqueue.emit(applied.event);
      }),
    },
  })
  .createMachine({
    id: 'conductor',
    context: ({ input }) => ({
      stories: input.stories,
      parallel: input.parallel,
      limits: input.limits,
      level: -1,
      current: [],
      levelOf: {},
      status: Object.fromEntries(input.stories.map((s) => [s.id, 'pending' as const])),
      results: {},
      paused: {},
      heldUntil: undefined,
      holding: [],
      waiting: [],
      ahead: [],
      readying: [],
      replanBudget: input.replanBudget,
      tidyBetweenLevels: input.tidyBetweenLevels ?? false,
      ...NO_REPLANS,
    }),
    initial: 'startingLevel',
    states: {
      startingLevel: {
        entry: ['placeNextLevel', 'emitLevelStarted', 'declareOverlaps'],
        always: 'running',
      },
      running: {
        initial: 'open',
        always: { guard: 'levelSettled', target: 'settling' },
        states: {
          // Free slots go to stories waiting to resume their agent first, then to the level's pending stories.
          open: {
            always: [
              { guard: 'startsHeld', target: 'held' },
              { guard: grantable('allowed'), actions: granting('allowed') },
              { guard: 'slotForPendingStory', actions: { type: 'startStory', params: { slot: 'now' } } },
              { guard: 'roomAhead', actions: { type: 'startStory', params: { slot: 'ahead' } } },
            ],
          },
          // A quota warning over the threshold: stories already running go on, none starts until its reset.
          held: {
            always: { guard: grantable('held'), actions: granting('held') },
            invoke: {
              id: 'quotaHold',
              src: 'sleepUntil',
              input: ({ context }) => ({ until: context.heldUntil ?? 0 }),
              onDone: { target: 'open', actions: ['emitReleased', 'forgetHold'] },
            },
            on: {
              'story.quota.warning': {
                guard: 'warningOverThreshold',
                target: 'held',
                reenter: true,
                actions: ['recordHold', 'emitHeld'],
              },
            },
          },
          // A story waits for a usage-limit reset: no new story starts until every paused one resumed.
          paused: {
            on: {
              'story.quota.resumed': { guard: 'lastPauseLifted', target: 'open', actions: 'unpause' },
              'xstate.error.actor.*': { guard: 'crashLiftsLastPause', target: 'open', actions: crashActions },
            },
          },
        },
        on: {
          'xstate.done.actor.*': { actions: ['stopStory', 'recordFinished'] },
          'xstate.error.actor.*': [
            { guard: 'crashedWhileRunning', actions: crashActions },
            // Handled, so that a late error from a story already settled never fails the Conductor.
            {},
          ],
          'story.slot.released': { actions: 'releaseSlot' },
          'story.agent.started': { actions: 'recordAgentStarted' },
          'story.slot.requested': [{ guard: 'holdsSlot', actions: 'grantHeldSlot' }, { actions: 'queueForSlot' }],
          'story.quota.paused': { target: '.paused', actions: 'pause' },
          'story.quota.resumed': { actions: 'unpause' },
          'story.quota.warning': { guard: 'warningOverThreshold', actions: ['recordHold', 'emitHeld'] },
          'conductor.replan': { guard: 'replanApplies', actions: 'applyReplan' },
          // A restored Conductor looks for free slots again: eventless transitions follow any event.
          RESUME: {},
        },
      },
      settling: {
        entry: ['blockDependents', 'emitLevelCompleted', 'forgetGate'],
        always: [{ guard: 'levelMerged', target: 'gating' }, { target: 'replanning' }],
      },
      // The Auditor's checks on the integration branch, once the level merged something.
      gating: {
        invoke: {
          id: 'integrationGate',
          src: 'integrationGate',
          input: ({ context }) => ({ level: context.level }),
          onDone: { target: 'replanning', actions: 'recordGate' },
          onError: { target: 'replanning', actions: 'emitGateError' },
        },
      },
      // Each failed story of the level, then a failed gate, goes to the Surgeon; its proposal changes the plan.
      replanning: {
        entry: ['skipSetupFailures', 'collectCases'],
        initial: 'choosing',
        states: {
          choosing: {
            always: [
              { guard: 'noCaseLeft', target: '#conductor.betweenLevels' },
              { guard: 'budgetSpent', target: '#conductor.betweenLevels', actions: 'skipCases' },
              { target: 'consulting' },
            ],
          },
          consulting: {
            invoke: {
              id: 'surgeon',
              systemId: 'surgeon',
              src: 'surgeon',
              input: ({ context }) => surgeonInput(context),
              onDone: [
                { guard: 'surgeonProposed', target: 'applying', actions: 'recordProposal' },
                { target: 'applying', actions: 'recordFallback' },
              ],
              onError: { target: 'applying', actions: 'recordFallback' },
            },
          },
          applying: {
            entry: 'applyProposal',
            always: 'choosing',
          },
        },
      },
      betweenLevels: {
        // The last level's branches are the Publisher's to delete, with the rest, once the run is published.
        always: [
          {
            guard: and(['storiesRemain', 'tidiesBetweenLevels', 'levelMerged']),
            target: 'startingLevel',
            actions: 'deleteLevelBranches',
          },
          { guard: 'storiesRemain', target: 'startingLevel' },
          { target: 'finished' },
        ],
      },
      finished: { type: 'final' },
    },
    output: ({ context }) => ({ stories: context.stories, status: context.status, results: context.results }),
  });
