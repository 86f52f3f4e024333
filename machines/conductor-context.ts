// What the Conductor knows and says: its input, context, events, and the small reads its guards and actions share.
import { assignSlots, writeOverlaps } from './dag.js';
import type { StoryStatus } from './dag.js';
import type { PlanChange } from './replan.js';
import type { StoryGuidance, StoryLimits } from './story-context.js';
import type { StoryParentEvent, StoryResult } from './story-events.js';
import type { SurgeonOutput } from './surgeon.js';
import type { SurgeonAction, SurgeonCase, SurgeonProposal } from './surgery.js';
import type { CollisionWarning, IntegrationGateOutput, MergedDependency, StoryDef } from './types.js';

export interface ConductorInput {
  readonly stories: readonly StoryDef[];
  /**
   * The levels shown to the user. Each next level is recomputed from the plan as it stands, which gives these same
   * levels until a replan changes the plan.
   */
  readonly levels: readonly (readonly string[])[];
  readonly parallel: number;
  readonly limits: StoryLimits;
  /** How many replans (retry, split, fix) the Surgeon may make in the whole run. */
  readonly replanBudget: number;
  /**
   * Merged stories' branches are deleted as each level ends, not all at the run's end: a run kept local that does
   * not keep its branches. A run that pushes keeps them until its push went through.
   */
  readonly tidyBetweenLevels?: boolean | undefined;
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
  /** A quota warning over the threshold holds new starts until then (epoch ms); running stories go on. */
  readonly heldUntil: number | undefined;
  /** Stories whose agent holds one of the `parallel` slots. */
  readonly holding: readonly string[];
  /** Stories waiting for a slot to run their agent, oldest first: again (a conflict), or readied ahead. */
  readonly waiting: readonly string[];
  /** Stories readying their worktree while every slot is taken, until one is theirs; absent in a run saved before. */
  readonly ahead?: readonly string[] | undefined;
  /** Stories started with a slot whose agent has not started yet: meanwhile no story readies ahead. */
  readonly readying?: readonly string[] | undefined;
  /** Replans the Surgeon may still make in this run. */
  readonly replanBudget: number;
  /** As the input says; absent, so off, in a run saved before it existed. */
  readonly tidyBetweenLevels: boolean;
  /** The integration gate's result at this level boundary; undefined before it ran or when it did not. */
  readonly gate: IntegrationGateOutput | undefined;
  /** What still goes to the Surgeon at this boundary, in order. */
  readonly cases: readonly SurgeonCase[];
  /** The proposal for the first case, and whether the Surgeon made it or the fixed policy did. */
  readonly proposal: { readonly proposal: SurgeonProposal; readonly by: 'surgeon' | 'policy' } | undefined;
  /** What a retried story is told when it runs again, with the session it continues. */
  readonly guidance: Readonly<Record<string, StoryGuidance>>;
  /** Per case key (caseKey): how often the fixed policy answered for the Surgeon. */
  readonly fallbacks: Readonly<Record<string, number>>;
  /** Per story: how often a replan sent it back. */
  readonly replans: Readonly<Record<string, number>>;
}

export interface ConductorOutput {
  /** The plan as it ended: the stories a replan added included. */
  readonly stories: readonly StoryDef[];
  readonly status: Readonly<Record<string, StoryStatus>>;
  readonly results: Readonly<Record<string, StoryResult>>;
}

/** A story as a replan event shows it. */
export interface ReplanStoryView {
  readonly id: string;
  readonly title: string;
  readonly dependsOn: readonly string[];
  readonly status: StoryStatus;
}

export type ReplanCause =
  | { readonly kind: 'story'; readonly storyId: string; readonly reason: string }
  | { readonly kind: 'gate'; readonly commands: readonly string[] };

export type ConductorEvent =
  | StoryParentEvent
  | { type: `xstate.done.actor.${string}`; output: StoryResult }
  | { type: 'xstate.done.actor.integrationGate'; output: IntegrationGateOutput }
  | { type: 'xstate.done.actor.surgeon'; output: SurgeonOutput }
  | { type: `xstate.error.actor.${string}`; error: unknown }
  /** Stories added, redefined or dropped; they take effect from the next level (the Surgeon's seam). */
  | { type: 'conductor.replan'; change: PlanChange<StoryDef> }
  | { type: 'RESUME' };

export type ConductorEmitted =
  | { type: 'quota.held'; storyId: string; utilization: number; until: number }
  | { type: 'quota.released'; until: number }
  | { type: 'level.started'; level: number; stories: readonly string[] }
  | {
      type: 'level.completed';
      level: number;
      merged: readonly string[];
      failed: readonly string[];
      blocked: readonly string[];
    }
  | { type: 'story.blocked'; storyId: string; by: readonly string[] }
  | { type: 'story.failed'; storyId: string; reason: string }
  | { type: 'gate.error'; level: number; message: string }
  | {
      type: 'replan.applied';
      level: number;
      cause: ReplanCause;
      action: SurgeonAction;
      by: 'surgeon' | 'policy';
      reason: string;
      guidance?: string | undefined;
      before: readonly ReplanStoryView[];
      after: readonly ReplanStoryView[];
      /** The levels still to run, recomputed from the plan as it now stands. */
      levels: readonly (readonly string[])[];
      budgetLeft: number;
    }
  | { type: 'replan.skipped'; level: number; cause: ReplanCause; reason: string };

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
/** Said in a story's first prompt: the files it plans to write alongside another story of its level. */
export function plannedOverlaps(context: ConductorContext, storyId: string): CollisionWarning[] {
  const level = context.current.map((id) => byId(context.stories, id));
  return writeOverlaps(level).filter((overlap) => overlap.stories.includes(storyId));
}

export function freeSlots(context: ConductorContext) {
  return assignSlots({
    level: context.current,
    status: context.status,
    holding: context.holding,
    waiting: context.waiting,
    ahead: context.ahead,
    parallel: context.parallel,
  });
}

/** A finished story holds no slot, waits for none, readies nothing ahead and pauses nothing. */
export function withoutStory(context: ConductorContext, storyId: string) {
  const { [storyId]: _finished, ...paused } = context.paused;
  return {
    holding: context.holding.filter((id) => id !== storyId),
    waiting: context.waiting.filter((id) => id !== storyId),
    ahead: (context.ahead ?? []).filter((id) => id !== storyId),
    readying: (context.readying ?? []).filter((id) => id !== storyId),
    paused,
  };
}

/**
 * The waiting story the next free slot goes to: the oldest; while a quota hold lets no new story start, the oldest
 * that ran its agent before (a story readied ahead has not).
 */
export function nextGrantee(context: ConductorContext, newStarts: 'allowed' | 'held'): string | undefined {
  const ahead = context.ahead ?? [];
  return context.waiting.find((id) => newStarts === 'allowed' || !ahead.includes(id));
}

export function finishedResult(event: ConductorEvent): StoryResult | undefined {
  return 'output' in event && 'storyId' in event.output ? event.output : undefined;
}

/** The Surgeon's answer, from its done event. */
export function surgeonOutputOf(event: ConductorEvent): SurgeonOutput | undefined {
  if (event.type !== 'xstate.done.actor.surgeon' || !('output' in event)) return undefined;
  const output = event.output;
  return 'storyId' in output || 'results' in output ? undefined : output;
}

/** The integration gate's result, from its done event. */
export function gateOutputOf(event: ConductorEvent): IntegrationGateOutput | undefined {
  if (event.type !== 'xstate.done.actor.integrationGate' || !('output' in event)) return undefined;
  const output = event.output;
  return 'results' in output ? output : undefined;
}

/** A story that ran again: its new result, with the time, cost and tokens of every run so far. */
export function combinedResult(earlier: StoryResult | undefined, result: StoryResult): StoryResult {
  if (!earlier) return result;
  return {
    ...result,
    attempts: earlier.attempts + result.attempts,
    agentMs: earlier.agentMs + result.agentMs,
    costUsd: earlier.costUsd + result.costUsd,
    inputTokens: earlier.inputTokens + result.inputTokens,
    outputTokens: earlier.outputTokens + result.outputTokens,
    denials: [...earlier.denials, ...result.denials],
  };
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
