// A replan as pure data: stories added, redefined or dropped, checked with the plan's graph rules.
import { propagateFailure, validatePlanGraph } from './dag.js';
import type { DagStory, GraphRule, StatusMap, StoryStatus } from './dag.js';

/** What a replan changes: the Surgeon's retry, split or drop, as data. */
export interface PlanChange<S extends DagStory> {
  /** Stories new to the plan, or new definitions of stories that have not merged; each runs again from the start. */
  readonly stories: readonly S[];
  /** Stories taken out of the plan before they ran. */
  readonly drop: readonly string[];
  /** Failed stories whose work the added stories take over: they end `replaced`, and nothing may depend on them. */
  readonly replace?: readonly string[] | undefined;
}

export interface PlanProgress<S extends DagStory> {
  readonly stories: readonly S[];
  readonly status: StatusMap;
  /** The stories of the level running now: a replan takes effect from the next level and leaves these alone. */
  readonly level: readonly string[];
}

export interface ReplanIssue {
  readonly storyId?: string;
  readonly rule:
    | GraphRule
    | 'unknown-story'
    | 'story-ran'
    | 'running-level'
    | 'redefined-and-dropped'
    | 'not-failed'
    | 'depends-on-replaced';
  readonly message: string;
}

export type ReplanResult<S extends DagStory> =
  | { readonly ok: true; readonly stories: S[]; readonly status: Record<string, StoryStatus> }
  | { readonly ok: false; readonly issues: ReplanIssue[] };

// Why a story may not be redefined or dropped; undefined when it may.
function touchIssue(id: string, progress: PlanProgress<DagStory>, dropping: boolean): ReplanIssue | undefined {
  const status = Object.hasOwn(progress.status, id) ? progress.status[id] : undefined;
  if (progress.level.includes(id))
    return { storyId: id, rule: 'running-level', message: `story ${id} is in the running level; replan it after` };
  if (dropping && status === undefined)
    return { storyId: id, rule: 'unknown-story', message: `story ${id} is not in the plan; nothing to drop` };
  if (status === 'merged' || status === 'running' || (dropping && status === 'failed'))
    return { storyId: id, rule: 'story-ran', message: `story ${id} has ${status === 'running' ? 'started' : status}` };
  return undefined;
}

// Why a story may not be replaced; undefined when it may: only a failed story outside the running level.
function replaceIssue(id: string, progress: PlanProgress<DagStory>): ReplanIssue | undefined {
  if (progress.level.includes(id))
    return { storyId: id, rule: 'running-level', message: `story ${id} is in the running level; replan it after` };
  if (!Object.hasOwn(progress.status, id) || progress.status[id] !== 'failed')
    return { storyId: id, rule: 'not-failed', message: `story ${id} has not failed; only a failed story is replaced` };
  return undefined;
}

/**
 * The plan after a change: redefined and new stories pending, dropped ones gone, and every blocked story outside the
 * running level blocked again only if a failure still lies behind it. A change that breaks a graph rule or touches
 * what ran or runs changes nothing.
 */
export function replan<S extends DagStory>(progress: PlanProgress<S>, change: PlanChange<S>): ReplanResult<S> {
  const redefined = new Map(change.stories.map((story) => [story.id, story]));
  const dropped = new Set(change.drop);
  const issues: ReplanIssue[] = [
    ...[...redefined.keys()].flatMap((id) => touchIssue(id, progress, false) ?? []),
    ...[...dropped].flatMap((id) => touchIssue(id, progress, true) ?? []),
    ...[...dropped]
      .filter((id) => redefined.has(id))
      .map((id) => ({
        storyId: id,
        rule: 'redefined-and-dropped' as const,
        message: `story ${id} is both redefined and dropped; do one`,
      })),
  ];
  const replaced = new Set(change.replace ?? []);
  issues.push(...[...replaced].flatMap((id) => replaceIssue(id, progress) ?? []));
  const kept = progress.stories.filter((story) => !dropped.has(story.id));
  const known = new Set(kept.map((story) => story.id));
  const stories = [
    ...kept.map((story) => redefined.get(story.id) ?? story),
    ...change.stories.filter((story) => !known.has(story.id)),
  ];
  issues.push(...validatePlanGraph(stories));
  for (const story of stories) {
    for (const dep of story.dependsOn.filter((id) => replaced.has(id) && !replaced.has(story.id)))
      issues.push({
        storyId: story.id,
        rule: 'depends-on-replaced',
        message: `story ${story.id}: dependsOn names ${dep}, which is replaced; depend on what replaces it`,
      });
  }
  if (issues.length > 0) return { ok: false, issues };
  const running = new Set(progress.level);
  const status: Record<string, StoryStatus> = {};
  for (const { id } of stories) {
    const before = Object.hasOwn(progress.status, id) ? progress.status[id] : undefined;
    const reopen = before === undefined || redefined.has(id) || (before === 'blocked' && !running.has(id));
    status[id] = replaced.has(id) ? 'replaced' : reopen ? 'pending' : before;
  }
  return { ok: true, stories, status: propagateFailure(status, stories) };
}
