// The Conductor: runs the plan's DAG level by level, at most `parallel` stories at once, and survives story crashes.
import { and, assign, enqueueActions, setup } from 'xstate';
import type { AnyEventObject } from 'xstate';
import { assignSlots, levelSettled, propagateFailure, writeOverlaps } from './dag.js';
import type { StoryStatus } from './dag.js';
import type { SentryEvent } from './sentry.js';
import type { storyMachine } from './story.js';
import type { StoryLimits } from './story-context.js';
import type { StoryParentEvent, StoryResult } from './story-events.js';
import type { MergedDependency, StoryDef } from './types.js';

export interface ConductorInput {
  readonly stories: readonly StoryDef[];
  readonly levels: readonly (readonly string[])[];
  readonly parallel: number;
  readonly limits: StoryLimits;
}

export interface ConductorContext extends ConductorInput {
  readonly level: number;
  readonly status: Readonly<Record<string, StoryStatus>>;
  readonly results: Readonly<Record<string, StoryResult>>;
  /** Stories waiting for a usage-limit reset → until when (epoch ms); no new story starts meanwhile. */
  readonly paused: Readonly<Record<string, number>>;
  /** Stories whose agent holds one of the `parallel` slots. */
  readonly holding: readonly string[];
  /** Stories waiting for a slot to run their agent again, oldest first. */
  readonly waiting: readonly string[];
}

export interface ConductorOutput {
  readonly status: Readonly<Record<string, StoryStatus>>;
  readonly results: Readonly<Record<string, StoryResult>>;
}

export type ConductorEvent =
  | StoryParentEvent
  | { type: `xstate.done.actor.${string}`; output: StoryResult }
  | { type: `xstate.error.actor.${string}`; error: unknown }
  | { type: 'RESUME' };

export type ConductorEmitted =
  | { type: 'level.started'; level: number; stories: readonly string[] }
  | {
      type: 'level.completed';
      level: number;
      merged: readonly string[];
      failed: readonly string[];
      blocked: readonly string[];
    }
  | { type: 'story.blocked'; storyId: string; by: readonly string[] }
  | { type: 'story.failed'; storyId: string; reason: string };

const DONE_PREFIX = 'xstate.done.actor.';
const ERROR_PREFIX = 'xstate.error.actor.';

function byId(stories: readonly StoryDef[], id: string): StoryDef {
  const story = stories.find((s) => s.id === id);
  if (!story) throw new Error(`Conductor: no story ${id} in the plan`);
  return story;
}

function currentLevel(context: ConductorContext): readonly string[] {
  return context.levels[context.level] ?? [];
}

function mergedDependencies(context: ConductorContext, story: StoryDef): MergedDependency[] {
  return story.dependsOn.map((id) => ({
    id,
    title: byId(context.stories, id).title,
    files: context.results[id]?.files ?? [],
  }));
}

/** A finished story holds no slot and waits for none. */
function withoutSlot(context: ConductorContext, storyId: string) {
  return {
    holding: context.holding.filter((id) => id !== storyId),
    waiting: context.waiting.filter((id) => id !== storyId),
  };
}

function crashedResult(storyId: string, reason: string): StoryResult {
  return {
    storyId,
    status: 'failed',
    reason,
    attempts: 0,
    agentMs: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    files: [],
    denials: [],
  };
}

/** Marks the dependents of failed stories blocked, and says which became blocked by whom. */
function settle(stories: readonly StoryDef[], before: Readonly<Record<string, StoryStatus>>) {
  const status = propagateFailure(before, stories);
  const blocked = stories
    .filter((story) => status[story.id] === 'blocked' && before[story.id] !== 'blocked')
    .map((story) => ({
      storyId: story.id,
      by: story.dependsOn.filter((dep) => status[dep] === 'failed' || status[dep] === 'blocked'),
    }));
  return { status, blocked };
}

export const conductorMachine = setup({
  types: {
    context: {} as ConductorContext,
    events: {} as ConductorEvent,
    input: {} as ConductorInput,
    output: {} as ConductorOutput,
    emitted: {} as ConductorEmitted,
  },
  actors: {
    story: {} as typeof storyMachine,
  },
  guards: {
    levelDone: ({ context }) => levelSettled(currentLevel(context), context.status),
    hasNextLevel: ({ context }) => context.level + 1 < context.levels.length,
  },
  actions: {
    fillSlots: enqueueActions(({ context, enqueue }) => {
      if (Object.keys(context.paused).length > 0) return;
      const { grant, start } = assignSlots({
        level: currentLevel(context),
        status: context.status,
        holding: context.holding,
        waiting: context.waiting,
        parallel: context.parallel,
      });
      if (grant.length === 0 && start.length === 0) return;
      for (const id of grant) enqueue.sendTo(id, { type: 'story.slot.granted' });
      for (const id of start) {
        const story = byId(context.stories, id);
        enqueue.spawnChild('story', {
          id,
          systemId: `story:${id}`,
          input: { story, dependencies: mergedDependencies(context, story), limits: context.limits },
        });
      }
      enqueue.assign({
        status: { ...context.status, ...Object.fromEntries(start.map((id) => [id, 'running' as const])) },
        holding: [...context.holding, ...grant, ...start],
        waiting: context.waiting.filter((id) => !grant.includes(id)),
      });
    }),
    releaseSlot: assign({
      holding: ({ context, event }) =>
        'storyId' in event ? context.holding.filter((id) => id !== event.storyId) : context.holding,
    }),
    queueForSlot: assign({
      waiting: ({ context, event }) =>
        event.type === 'story.slot.requested' && !context.waiting.includes(event.storyId)
          ? [...context.waiting, event.storyId]
          : context.waiting,
    }),
    recordFinished: enqueueActions(({ context, event, enqueue }) => {
      if (!event.type.startsWith(DONE_PREFIX) || !('output' in event)) return;
      const result = event.output;
      const status = {
        ...context.status,
        [result.storyId]: result.status === 'merged' ? ('merged' as const) : ('failed' as const),
      };
      enqueue.stopChild(result.storyId);
      enqueue.assign({
        results: { ...context.results, [result.storyId]: result },
        ...withoutSlot(context, result.storyId),
      });
      const settled = settle(context.stories, status);
      for (const blocked of settled.blocked) enqueue.emit({ type: 'story.blocked', ...blocked });
      enqueue.assign({ status: settled.status });
    }),
    recordCrash: enqueueActions(({ context, event, system, enqueue }) => {
      if (!event.type.startsWith(ERROR_PREFIX)) return;
      const storyId = event.type.slice(ERROR_PREFIX.length);
      if (context.status[storyId] !== 'running') return;
      const error = (event as AnyEventObject).error;
      const reason = `story actor crashed: ${error instanceof Error ? error.message : String(error)}`;
      enqueue.emit({ type: 'story.failed', storyId, reason });
      enqueue.stopChild(storyId);
      // A crashed story can no longer release what it held: its files, its pause.
      const release: SentryEvent = { type: 'sentry.release', storyId };
      enqueue.sendTo(system.get('sentry'), release);
      const { [storyId]: _crashed, ...paused } = context.paused;
      const settled = settle(context.stories, { ...context.status, [storyId]: 'failed' as const });
      for (const blocked of settled.blocked) enqueue.emit({ type: 'story.blocked', ...blocked });
      enqueue.assign({
        status: settled.status,
        paused,
        results: { ...context.results, [storyId]: crashedResult(storyId, reason) },
        ...withoutSlot(context, storyId),
      });
    }),
    completeLevel: enqueueActions(({ context, enqueue }) => {
      const ids = currentLevel(context);
      const having = (s: StoryStatus) => ids.filter((id) => context.status[id] === s);
      enqueue.emit({
        type: 'level.completed',
        level: context.level,
        merged: having('merged'),
        failed: having('failed'),
        blocked: having('blocked'),
      });
    }),
    startLevel: enqueueActions(({ context, enqueue }, params: { level: number }) => {
      enqueue.assign({ level: params.level });
      enqueue.emit({ type: 'level.started', level: params.level, stories: context.levels[params.level] ?? [] });
    }),
    declareOverlaps: enqueueActions(({ context, system, enqueue }) => {
      const overlaps = context.levels.flatMap((level) => writeOverlaps(level.map((id) => byId(context.stories, id))));
      if (overlaps.length === 0) return;
      const declare: SentryEvent = { type: 'sentry.declare', overlaps };
      enqueue.sendTo(system.get('sentry'), declare);
    }),
    pause: assign({
      paused: ({ context, event }) =>
        event.type === 'story.quota.paused' ? { ...context.paused, [event.storyId]: event.until } : context.paused,
    }),
    unpause: assign({
      paused: ({ context, event }) => {
        if (event.type !== 'story.quota.resumed') return context.paused;
        const { [event.storyId]: _resumed, ...rest } = context.paused;
        return rest;
      },
    }),
  },
}).createMachine({
  id: 'conductor',
  context: ({ input }) => ({
    ...input,
    level: 0,
    status: Object.fromEntries(input.stories.map((s) => [s.id, 'pending' as const])),
    results: {},
    paused: {},
    holding: [],
    waiting: [],
  }),
  initial: 'running',
  states: {
    running: {
      entry: ['declareOverlaps', { type: 'startLevel', params: { level: 0 } }, 'fillSlots'],
      always: [
        {
          guard: and(['levelDone', 'hasNextLevel']),
          actions: [
            'completeLevel',
            { type: 'startLevel', params: ({ context }) => ({ level: context.level + 1 }) },
            'fillSlots',
          ],
        },
        { guard: 'levelDone', target: 'finished', actions: 'completeLevel' },
      ],
      on: {
        'xstate.done.actor.*': { actions: ['recordFinished', 'fillSlots'] },
        'story.slot.released': { actions: ['releaseSlot', 'fillSlots'] },
        'story.slot.requested': { actions: ['queueForSlot', 'fillSlots'] },
        'story.quota.paused': { actions: 'pause' },
        'story.quota.resumed': { actions: ['unpause', 'fillSlots'] },
        'xstate.error.actor.*': { actions: ['recordCrash', 'fillSlots'] },
        RESUME: { actions: 'fillSlots' },
      },
    },
    finished: { type: 'final' },
  },
  output: ({ context }) => ({ status: context.status, results: context.results }),
});
