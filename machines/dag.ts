// Pure policy over the plan's dependency graph: validation, levels, slots, failure propagation.

/** The part of a plan story the graph rules need; structurally compatible with `PlanStory`. */
export interface DagStory {
  readonly id: string;
  readonly dependsOn: readonly string[];
  readonly acceptance: readonly string[];
  readonly writes?: readonly string[] | undefined;
}

export type GraphRule =
  'no-stories' | 'duplicate-id' | 'unknown-dependency' | 'self-dependency' | 'cycle' | 'empty-acceptance';

export interface GraphIssue {
  readonly storyId?: string;
  readonly rule: GraphRule;
  readonly message: string;
}

/** `replaced`: a failed story whose work a replan handed to new stories (the Surgeon's split). */
export type StoryStatus = 'pending' | 'running' | 'merged' | 'failed' | 'blocked' | 'replaced';

export type StatusMap = Readonly<Record<string, StoryStatus>>;

export type RunStatus = 'succeeded' | 'partial' | 'failed';

// Own properties only, so an id such as "constructor" never reads Object.prototype.
function statusOf(status: StatusMap, id: string): StoryStatus {
  return Object.hasOwn(status, id) ? (status[id] ?? 'pending') : 'pending';
}

// First story per id wins; later duplicates are reported by validatePlanGraph and ignored elsewhere.
function uniqueStories<S extends DagStory>(stories: readonly S[]): Map<string, S> {
  const byId = new Map<string, S>();
  for (const story of stories) if (!byId.has(story.id)) byId.set(story.id, story);
  return byId;
}

// Known, non-self dependencies of each story, without repeats.
function edges(byId: ReadonlyMap<string, DagStory>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, story] of byId) {
    out.set(
      id,
      [...new Set(story.dependsOn)].filter((dep) => dep !== id && byId.has(dep)),
    );
  }
  return out;
}

function findCycles(byId: ReadonlyMap<string, DagStory>): string[][] {
  const deps = edges(byId);
  const state = new Map<string, 'visiting' | 'done'>();
  const seen = new Set<string>();
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const depState = state.get(dep);
      if (depState === undefined) visit(dep);
      else if (depState === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep));
        const key = [...cycle].sort().join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, dep]);
        }
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of byId.keys()) if (!state.has(id)) visit(id);
  return cycles;
}

/** Every rule of docs/cli.md "Plan file" the story graph breaks; empty when the plan can run. */
export function validatePlanGraph(stories: readonly DagStory[]): GraphIssue[] {
  if (stories.length === 0) return [{ rule: 'no-stories', message: 'the plan has no stories' }];
  const issues: GraphIssue[] = [];
  const counts = new Map<string, number>();
  for (const story of stories) counts.set(story.id, (counts.get(story.id) ?? 0) + 1);
  for (const [id, count] of counts) {
    if (count > 1)
      issues.push({
        storyId: id,
        rule: 'duplicate-id',
        message: `story ${id}: id "${id}" is used by ${count} stories; ids must be unique`,
      });
  }
  const byId = uniqueStories(stories);
  for (const story of byId.values()) {
    for (const dep of new Set(story.dependsOn)) {
      if (dep === story.id)
        issues.push({
          storyId: story.id,
          rule: 'self-dependency',
          message: `story ${story.id}: dependsOn names the story itself`,
        });
      else if (!byId.has(dep))
        issues.push({
          storyId: story.id,
          rule: 'unknown-dependency',
          message: `story ${story.id}: dependsOn names unknown story "${dep}"`,
        });
    }
    if (story.acceptance.every((criterion) => criterion.trim() === '')) {
      issues.push({
        storyId: story.id,
        rule: 'empty-acceptance',
        message: `story ${story.id}: acceptance is empty; give at least one criterion`,
      });
    }
  }
  for (const cycle of findCycles(byId)) {
    const first = cycle[0] ?? '';
    issues.push({
      storyId: first,
      rule: 'cycle',
      message: `story ${first}: dependsOn forms a cycle ${cycle.join(' → ')}`,
    });
  }
  return issues;
}

/** Levels by longest path (level = 1 + deepest dependency), plan order inside a level; stories on or behind a cycle share one last level. */
export function computeLevels(stories: readonly DagStory[]): string[][] {
  const byId = uniqueStories(stories);
  const deps = edges(byId);
  const level = new Map<string, number>();
  let remaining = [...byId.keys()];
  while (remaining.length > 0) {
    const ready = remaining.filter((id) => (deps.get(id) ?? []).every((dep) => level.has(dep)));
    if (ready.length === 0) break;
    for (const id of ready) level.set(id, Math.max(-1, ...(deps.get(id) ?? []).map((dep) => level.get(dep) ?? 0)) + 1);
    remaining = remaining.filter((id) => !level.has(id));
  }
  const last = Math.max(-1, ...level.values()) + 1;
  for (const id of remaining) level.set(id, last);
  const levels: string[][] = [];
  for (const id of byId.keys()) {
    const index = level.get(id) ?? last;
    while (levels.length <= index) levels.push([]);
    levels[index]?.push(id);
  }
  return levels.filter((ids) => ids.length > 0);
}

// Direct dependents of each story: the dependency edges turned around, in plan order.
function dependentsIndex(byId: ReadonlyMap<string, DagStory>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, deps] of edges(byId)) {
    for (const dep of deps) {
      const ids = out.get(dep) ?? [];
      ids.push(id);
      out.set(dep, ids);
    }
  }
  return out;
}

// Every story reachable from `from` along dependents (`from` itself only through a cycle).
function reachable(from: readonly string[], dependents: ReadonlyMap<string, readonly string[]>): Set<string> {
  const found = new Set<string>();
  const queue = [...from];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const id of dependents.get(next) ?? []) {
      if (found.has(id)) continue;
      found.add(id);
      queue.push(id);
    }
  }
  return found;
}

/** Stories that depend on `storyId` directly or through others, in plan order. */
export function dependentsOf(storyId: string, stories: readonly DagStory[]): string[] {
  const byId = uniqueStories(stories);
  const found = reachable([storyId], dependentsIndex(byId));
  return [...byId.keys()].filter((id) => found.has(id) && id !== storyId);
}

/** Blocks every pending story that depends, transitively, on a failed or blocked one; one walk of the graph. */
export function propagateFailure(status: StatusMap, stories: readonly DagStory[]): Record<string, StoryStatus> {
  const byId = uniqueStories(stories);
  const broken = [...byId.keys()].filter(
    (id) => statusOf(status, id) === 'failed' || statusOf(status, id) === 'blocked',
  );
  const next: Record<string, StoryStatus> = { ...status };
  if (broken.length === 0) return next;
  for (const id of reachable(broken, dependentsIndex(byId))) {
    if (statusOf(next, id) === 'pending') next[id] = 'blocked';
  }
  return next;
}

/**
 * The next level of a plan in progress: the stories not yet placed in a level whose dependencies all were, in plan
 * order. Level by level this gives `computeLevels` of the plan, and after a replan the levels of the changed plan.
 */
export function nextLevel(stories: readonly DagStory[], placed: (id: string) => boolean): string[] {
  const byId = uniqueStories(stories);
  const unplaced = [...byId.keys()].filter((id) => !placed(id));
  const deps = edges(byId);
  const ready = unplaced.filter((id) => (deps.get(id) ?? []).every(placed));
  // Stories on or behind a cycle never become ready; like computeLevels, they share one last level.
  return ready.length > 0 ? ready : unplaced;
}

export interface SlotInput {
  readonly level: readonly string[];
  readonly status: StatusMap;
  /** Stories whose agent holds a slot now. */
  readonly holding: readonly string[];
  /** Stories waiting for a slot to run their agent (a conflict to resolve, a worktree readied ahead), oldest first. */
  readonly waiting: readonly string[];
  /** Stories readying their worktree ahead of a slot: each has the first claim on the next one free. */
  readonly ahead?: readonly string[] | undefined;
  readonly parallel: number;
}

/**
 * Who gets one of the `parallel` agent slots now: stories waiting to run their agent first, then pending stories of
 * the level in order; and, when no slot is left, which pending stories ready their worktree ahead (as many as there
 * are slots). A slot is an agent at work; committing and merging hold none.
 */
export function assignSlots(input: SlotInput): {
  readonly grant: string[];
  readonly start: string[];
  readonly prepare: string[];
} {
  const slots = Math.max(0, Math.floor(input.parallel));
  const free = Math.max(0, slots - input.holding.length);
  const grant = input.waiting.slice(0, free);
  const ahead = input.ahead ?? [];
  const claimed = grant.length + ahead.filter((id) => !grant.includes(id)).length;
  const pending = input.level.filter((id) => statusOf(input.status, id) === 'pending');
  const start = pending.slice(0, Math.max(0, free - claimed));
  const room = start.length > 0 ? 0 : Math.max(0, slots - ahead.length);
  return { grant, start, prepare: pending.slice(0, room) };
}

/** True when no story of the level can still change: each merged, failed, blocked or replaced. */
export function levelSettled(level: readonly string[], status: StatusMap): boolean {
  return level.every((id) => {
    const s = statusOf(status, id);
    return s === 'merged' || s === 'failed' || s === 'blocked' || s === 'replaced';
  });
}

/** Outcome of a finished run: all merged, some merged, or none (an empty map merged nothing); a replaced story's work is its successors'. */
export function runStatus(status: StatusMap): RunStatus {
  const values = Object.values(status).filter((s) => s !== 'replaced');
  const merged = values.filter((s) => s === 'merged').length;
  if (merged > 0 && merged === values.length) return 'succeeded';
  return merged > 0 ? 'partial' : 'failed';
}

export interface WriteOverlap {
  readonly path: string;
  readonly stories: string[];
}

/** Declared `writes` shared by two or more stories of one level, in order of first declaration. */
export function writeOverlaps(levelStories: readonly DagStory[]): WriteOverlap[] {
  const writers = new Map<string, string[]>();
  for (const story of levelStories) {
    for (const raw of story.writes ?? []) {
      const path = raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
      const ids = writers.get(path) ?? [];
      if (!ids.includes(story.id)) ids.push(story.id);
      writers.set(path, ids);
    }
  }
  return [...writers].filter(([, ids]) => ids.length > 1).map(([path, ids]) => ({ path, stories: ids }));
}
