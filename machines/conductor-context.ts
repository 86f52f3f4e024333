// What the Conductor knows and says: its input, context, events, and the small reads its guards and actions share.
import { assignSlots } from './dag.js';
import type { StoryStatus } from './dag.js';
import type { PlanChange } from './replan.js';
import type { StoryLimits } from './story-context.js';
import type { StoryParentEvent, StoryResult } from './story-events.js';
import type { MergedDependency, StoryDef } from './types.js';

export interface ConductorInput {
  readonly stories: readonly StoryDef[];
  /**
   * The levels shown to the user. Each next level is recomputed from the plan as it stands, which gives these same
   * levels until a replan changes the plan.
   */
  readonly levels: readonly (readonly string[])[];
  readonly parallel: number;
  readonly limits: StoryLimits;
}

export interface ConductorContext {
  /** The plan as it stands: a replan adds, redefines or drops stories between levels. */
  readonly stories: readonly StoryDef[];
  readonly parallel: number;
  readonly limits: StoryLimits;
  /** The running level's number, as events name it. */
  readonly level: number;
  /** The stories of the running level. */
  readonly current: readonly string[];
  /** The level each story was placed in; a story without one waits for a later level. */
  readonly levelOf: Readonly<Record<string, number>>;
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
  /** Stories added, redefined or dropped; they take effect from the next level (the Surgeon's seam). */
  | { type: 'conductor.replan'; change: PlanChange<StoryDef> }
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

const ERROR_PREFIX = 'xstate.error.actor.';

export function byId(stories: readonly StoryDef[], id: string): StoryDef {
  const story = stories.find((s) => s.id === id);
  if (!story) throw new Error(`Conductor: no story ${id} in the plan`);
  return story;
}

export function mergedDependencies(context: ConductorContext, story: StoryDef): MergedDependency[] {
  return story.dependsOn.map((id) => ({
    id,
    title: byId(context.stories, id).title,
    files: context.results[id]?.files ?? [],
  }));
}

/** Who gets a free agent slot now: stories waiting to resume first, then pending stories of the running level. */
export function freeSlots(context: ConductorContext) {
  return assignSlots({
    level: context.current,
    status: context.status,
    holding: context.holding,
    waiting: context.waiting,
    parallel: context.parallel,
  });
}

/** A finished story holds no slot, waits for none and pauses nothing. */
export function withoutStory(context: ConductorContext, storyId: string) {
  const { [storyId]: _finished, ...paused } = context.paused;
  return {
    holding: context.holding.filter((id) => id !== storyId),
    waiting: context.waiting.filter((id) => id !== storyId),
    paused,
  };
}

export function finishedResult(event: ConductorEvent): StoryResult | undefined {
  return 'output' in event ? event.output : undefined;
}

/** The story whose actor crashed, and why. */
export function crashOf(event: ConductorEvent): { storyId: string; reason: string } | undefined {
  if (!('error' in event) || !event.type.startsWith(ERROR_PREFIX)) return undefined;
  const message = event.error instanceof Error ? event.error.message : String(event.error);
  return { storyId: event.type.slice(ERROR_PREFIX.length), reason: `story actor crashed: ${message}` };
}

export function crashedResult(storyId: string, reason: string): StoryResult {
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

/** The stories blocked in `after` that were not in `before`, each with the dependencies that block it. */
export function newlyBlocked(
  stories: readonly StoryDef[],
  before: Readonly<Record<string, StoryStatus>>,
  after: Readonly<Record<string, StoryStatus>>,
) {
  return stories
    .filter((story) => after[story.id] === 'blocked' && before[story.id] !== 'blocked')
    .map((story) => ({
      storyId: story.id,
      by: story.dependsOn.filter((dep) => after[dep] === 'failed' || after[dep] === 'blocked'),
    }));
}
