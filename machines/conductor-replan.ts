// The Conductor between levels: what goes to the Surgeon, and what applying a proposal does to the plan in progress.
import { nextLevel } from './dag.js';
import { replan } from './replan.js';
import { caseKey, changeOf, fallbackProposal } from './surgery.js';
import type { SurgeonCase, SurgeonProposal } from './surgery.js';
import { newlyBlocked, surgeonOutputOf } from './conductor-context.js';
import type {
  ConductorContext,
  ConductorEmitted,
  ConductorEvent,
  ReplanCause,
  ReplanStoryView,
} from './conductor-context.js';
import type { SurgeonInput } from './surgeon.js';
import type { StoryDef } from './types.js';

type ReplanApplied = Extract<ConductorEmitted, { type: 'replan.applied' }>;

/** A run before its first level boundary: no gate result, no case, no replan yet. */
export const NO_REPLANS = {
  gate: undefined,
  cases: [],
  proposal: undefined,
  guidance: {},
  fallbacks: {},
  replans: {},
} as const satisfies Partial<ConductorContext>;

/** At most one repair turn: a Surgeon that breaks the rules twice is not asked a third time. */
const SURGEON_REPAIRS = 1;

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function surgeonInput(context: ConductorContext): SurgeonInput {
  return {
    case: context.cases[0] ?? { kind: 'gate', level: context.level, failing: [] },
    plan: { stories: context.stories, status: context.status },
    limits: {
      transientRetries: context.limits.transientRetries,
      repairs: SURGEON_REPAIRS,
      ...(context.limits.quotaMarginMs === undefined ? {} : { quotaMarginMs: context.limits.quotaMarginMs }),
    },
  };
}

export function surgeonProposal(event: ConductorEvent): ConductorContext['proposal'] {
  const output = surgeonOutputOf(event);
  return output?.status === 'proposed' ? { proposal: output.proposal, by: 'surgeon' } : undefined;
}

/** The fixed policy's proposal for the first case, when the Surgeon failed or crashed; counted per case. */
export function fallbackFor(context: ConductorContext, event: ConductorEvent): Partial<ConductorContext> {
  const c = context.cases[0];
  if (!c) return {};
  const output = surgeonOutputOf(event);
  const why = output?.status === 'failed' ? output.reason : 'error' in event ? errorText(event.error) : 'no answer';
  const earlier = context.fallbacks[caseKey(c)] ?? 0;
  return {
    proposal: { proposal: fallbackProposal(c, earlier, why, context), by: 'policy' },
    fallbacks: { ...context.fallbacks, [caseKey(c)]: earlier + 1 },
  };
}

type ReplanSkipped = Extract<ConductorEmitted, { type: 'replan.skipped' }>;

export const BUDGET_SPENT = 'the replan budget is spent';
export const SETUP_NOT_REPLANNED = 'its worktree setup failed, which no replan of the story can fix';

/** What each case left without a replan says: it stays as it is, because the budget is spent. */
export function skippedCases(context: ConductorContext): ReplanSkipped[] {
  return context.cases.map((c) => ({
    type: 'replan.skipped',
    level: context.level,
    cause: causeOf(c),
    reason: BUDGET_SPENT,
  }));
}

/** The level's stories that failed for good. */
const failedOfLevel = (context: ConductorContext): string[] =>
  context.current.filter((id) => context.status[id] === 'failed');

const failedInSetup = (context: ConductorContext, id: string): boolean => context.results[id]?.failedIn === 'setup';

/** The level's stories whose worktree setup failed: the Surgeon is not asked about them, and each says why. */
export function setupFailures(context: ConductorContext): ReplanSkipped[] {
  return failedOfLevel(context)
    .filter((id) => failedInSetup(context, id))
    .map((storyId) => ({
      type: 'replan.skipped',
      level: context.level,
      cause: { kind: 'story', storyId, reason: context.results[storyId]?.reason ?? 'failed' },
      reason: SETUP_NOT_REPLANNED,
    }));
}

/** The failed stories of the level just settled (but those whose worktree setup failed), then a failed gate. */
export function casesOf(context: ConductorContext): SurgeonCase[] {
  const stories: SurgeonCase[] = failedOfLevel(context)
    .filter((id) => !failedInSetup(context, id))
    .flatMap((id) => {
      const story = context.stories.find((s) => s.id === id);
      const result = context.results[id];
      if (!story) return [];
      return [
        {
          kind: 'story' as const,
          story,
          reason: result?.reason ?? 'failed',
          attempts: result?.attempts ?? 0,
          files: result?.files ?? [],
          replans: context.replans[id] ?? 0,
        },
      ];
    });
  const gate = context.gate;
  if (gate?.status !== 'failed') return stories;
  return [
    ...stories,
    { kind: 'gate', level: context.level, failing: gate.results.filter((r) => r.status === 'failed') },
  ];
}

export function causeOf(c: SurgeonCase): ReplanCause {
  return c.kind === 'story'
    ? { kind: 'story', storyId: c.story.id, reason: c.reason }
    : { kind: 'gate', commands: c.failing.map((check) => check.command) };
}

/** The levels still to run: each next level of the plan as it stands, until every story has one. */
export function levelsAhead(stories: readonly StoryDef[], levelOf: Readonly<Record<string, number>>): string[][] {
  const placed = new Set(Object.keys(levelOf));
  const levels: string[][] = [];
  while (stories.some((story) => !placed.has(story.id))) {
    const level = nextLevel(stories, (id) => placed.has(id));
    for (const id of level) placed.add(id);
    levels.push(level);
  }
  return levels;
}

function views(context: Pick<ConductorContext, 'stories' | 'status'>): ReplanStoryView[] {
  return context.stories.map((story) => ({
    id: story.id,
    title: story.title,
    dependsOn: story.dependsOn,
    status: context.status[story.id] ?? 'pending',
  }));
}

const SPENDS: readonly SurgeonProposal['action'][] = ['retry', 'split', 'fix'];

export interface AppliedProposal {
  readonly update: Partial<ConductorContext>;
  readonly blocked: ReturnType<typeof newlyBlocked>;
  readonly event: ReplanApplied;
}

/**
 * The plan after the proposal for the first case: stories added or reopened, a split story replaced, its
 * dependents moved onto its parts, the reopened ones out of their old level (their results kept, so that a second
 * run adds to the first). A proposal the plan refuses changes nothing and reads as a drop.
 */
export function applyProposal(context: ConductorContext): AppliedProposal | undefined {
  const c = context.cases[0];
  const chosen = context.proposal;
  if (!c || !chosen) return undefined;
  const result = replan(
    { stories: context.stories, status: context.status, level: [] },
    changeOf(c, chosen.proposal, context),
  );
  const proposal: SurgeonProposal = result.ok
    ? chosen.proposal
    : { action: 'drop', reason: `the plan refused the proposal: ${result.issues.map((i) => i.message).join('; ')}` };
  const stories = result.ok ? result.stories : context.stories;
  const status = result.ok ? result.status : context.status;
  const reopened = (id: string) => status[id] === 'pending';
  const levelOf = Object.fromEntries(Object.entries(context.levelOf).filter(([id]) => !reopened(id)));
  const retried = proposal.action === 'retry' && c.kind === 'story' ? c.story.id : undefined;
  const replanBudget = context.replanBudget - (SPENDS.includes(proposal.action) ? 1 : 0);
  const update: Partial<ConductorContext> = {
    stories,
    status,
    levelOf,
    replanBudget,
    cases: context.cases.slice(1),
    proposal: undefined,
    ...(retried === undefined
      ? {}
      : {
          guidance: {
            ...context.guidance,
            [retried]: {
              text: proposal.action === 'retry' ? proposal.guidance : '',
              sessionId: context.results[retried]?.sessionId,
              worktree: context.results[retried]?.worktree,
              attempts: context.results[retried]?.attempts ?? 0,
            },
          },
          replans: { ...context.replans, [retried]: (context.replans[retried] ?? 0) + 1 },
        }),
  };
  return {
    update,
    blocked: newlyBlocked(stories, context.status, status),
    event: {
      type: 'replan.applied',
      level: context.level,
      cause: causeOf(c),
      action: proposal.action,
      by: chosen.by,
      reason: proposal.reason,
      ...(proposal.action === 'retry' ? { guidance: proposal.guidance } : {}),
      before: views(context),
      after: views({ stories, status }),
      levels: levelsAhead(stories, levelOf),
      budgetLeft: replanBudget,
    },
  };
}
