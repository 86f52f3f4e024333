// The TUI's view model: a pure fold of the run's events, its story actors' snapshots and the keys pressed.
import type { PlanDef } from '../../machines/types.js';
import { speaker } from '../run-events.js';
import type { RunReportEvent } from '../run-events.js';
import type { ViewKey } from './keys.js';
import { planningText, sourceOf, toolText, verdictText } from './labels.js';

export type StoryStatus = 'pending' | 'running' | 'merged' | 'failed' | 'blocked' | 'replaced';

export interface StoryView {
  readonly id: string;
  readonly status: StoryStatus;
  /** The story actor's active state (`working`, `merging`…), from its snapshots. */
  readonly state: string;
  /** The last tool call, shown as what the agent is doing now. */
  readonly activity: string;
  readonly tools: readonly string[];
  readonly attempts: number;
  readonly lastError: string | undefined;
  /** The Critic's verdicts, one line per review round. */
  readonly verdicts: readonly string[];
  readonly notes: readonly string[];
  readonly costUsd: number;
  readonly tokens: number;
}

export interface EventLine {
  readonly t: number;
  readonly source: string;
  readonly text: string;
}

/** The plan review as a mode of the screen: where the plan is scrolled to, and the feedback being typed. */
export interface ReviewView {
  readonly canRefine: boolean;
  /** The first plan line shown. */
  readonly top: number;
  /** The feedback for the planner while it is typed; undefined while the person chooses. */
  readonly feedback: string | undefined;
}

export interface ViewModel {
  readonly runId: string;
  readonly goal: string;
  readonly branch: string;
  readonly startedAt: number | undefined;
  readonly inspector: string | undefined;
  /** What planning does now, until the plan is ready. */
  readonly planning: string | undefined;
  readonly plan: PlanDef | undefined;
  readonly levels: readonly (readonly string[])[];
  readonly review: ReviewView | undefined;
  readonly stories: Readonly<Record<string, StoryView>>;
  readonly events: readonly EventLine[];
  /** Usage-limit pauses: story → until (epoch ms). */
  readonly quota: Readonly<Record<string, number>>;
  /** A quota warning holds new starts until then (epoch ms); running stories go on. */
  readonly quotaHeld: number | undefined;
  readonly finished: { readonly status: string; readonly at: number } | undefined;
  readonly selected: number;
  readonly detail: boolean;
  readonly stopping: boolean;
}

/** A story actor's snapshot as the TUI reads it: the state path and the running totals, when the machine keeps them. */
export interface StorySnapshot {
  readonly storyId: string;
  readonly state: string;
  readonly costUsd?: number | undefined;
  readonly tokens?: number | undefined;
}

const MAX_TOOLS = 30;
const MAX_EVENTS = 200;

export const emptyView: ViewModel = {
  runId: '',
  goal: '',
  branch: '',
  startedAt: undefined,
  inspector: undefined,
  planning: undefined,
  plan: undefined,
  levels: [],
  review: undefined,
  stories: {},
  events: [],
  quota: {},
  quotaHeld: undefined,
  finished: undefined,
  selected: 0,
  detail: false,
  stopping: false,
};

/** A story the run has not reported on yet. */
export const pendingStory = (id: string): StoryView => ({
  id,
  status: 'pending',
  state: 'pending',
  activity: '',
  tools: [],
  attempts: 0,
  lastError: undefined,
  verdicts: [],
  notes: [],
  costUsd: 0,
  tokens: 0,
});

/** Story ids in the order the screen lists them: level by level. */
export const storyOrder = (view: ViewModel): string[] => view.levels.flat();

function withStory(view: ViewModel, id: string, change: (story: StoryView) => Partial<StoryView>): ViewModel {
  const story = view.stories[id] ?? pendingStory(id);
  return { ...view, stories: { ...view.stories, [id]: { ...story, ...change(story) } } };
}

export function withEvent(view: ViewModel, t: number, source: string, text: string): ViewModel {
  return { ...view, events: [...view.events, { t, source, text }].slice(-MAX_EVENTS) };
}

/** Folds one run event into the view; `line` is its plain text for the event pane, when it has one. */
export function applyEvent(view: ViewModel, event: RunReportEvent, t: number, line?: string): ViewModel {
  const next = foldEvent(view, event, t);
  if (event.type === 'story.tool' || event.type === 'story.started') return next;
  const text = event.type === 'knowledge.added' ? `${event.storyId}: ${event.fact.summary}` : line?.trim();
  const source = 'from' in event ? speaker(event.from) : sourceOf(event.type);
  return text ? withEvent(next, t, source, text) : next;
}

function foldEvent(view: ViewModel, event: RunReportEvent, t: number): ViewModel {
  switch (event.type) {
    case 'run.started':
      return {
        ...view,
        runId: event.runId,
        goal: event.goal,
        branch: event.branch ?? '',
        startedAt: t,
        planning: 'mapping the repository…',
      };
    case 'planner.started':
    case 'planner.retry':
    case 'planner.paused':
    case 'planner.resumed':
      return { ...view, planning: planningText(event) };
    case 'branch.created':
      return { ...view, branch: event.branch };
    case 'inspect.listening':
      return { ...view, inspector: event.url };
    case 'plan.ready':
      return { ...view, planning: undefined, plan: event.plan, levels: event.levels };
    case 'story.started':
      return withStory(view, event.storyId, () => ({ status: 'running', attempts: event.attempt }));
    case 'story.tool':
      return withStory(view, event.storyId, (s) => ({
        activity: toolText(event),
        tools: [...s.tools, toolText(event)].slice(-MAX_TOOLS),
      }));
    case 'story.merged':
      return withStory(view, event.storyId, () => ({ status: 'merged', activity: `merged ${event.sha.slice(0, 8)}` }));
    case 'story.failed':
      return withStory(view, event.storyId, () => ({ status: 'failed', lastError: event.reason }));
    case 'story.blocked':
      return withStory(view, event.storyId, () => ({
        status: 'blocked',
        lastError: `blocked by ${event.by.join(', ')}`,
      }));
    case 'story.retry':
    case 'story.denied':
      return withStory(view, event.storyId, (s) => ({
        lastError: event.type === 'story.retry' ? event.reason : `${event.tool} denied: ${event.message}`,
        notes: [...s.notes, event.type === 'story.retry' ? `retry: ${event.reason}` : `denied ${event.tool}`],
      }));
    case 'story.verdict':
      return withStory(view, event.storyId, (s) => ({ verdicts: [...s.verdicts, verdictText(event)] }));
    case 'collision.warning':
      return event.stories.reduce(
        (v, id) =>
          withStory(v, id, (s) => ({
            notes: [
              ...s.notes,
              `collision: ${event.source === 'plan' ? 'plans to write' : 'edited'} ${event.path}, as ${event.stories.filter((o) => o !== id).join(', ')}`,
            ],
          })),
        view,
      );
    case 'message.sent':
      return withStory(view, event.storyId, (s) => ({
        notes: [...s.notes, `heard the ${speaker(event.from)} live: ${event.kind}`],
      }));
    case 'message.delivered':
      return withStory(view, event.storyId, (s) => ({
        notes: [...s.notes, `the news reached its agent in ${event.latencyMs} ms`],
      }));
    case 'message.withheld':
      return withStory(view, event.storyId, (s) => ({
        notes: [...s.notes, `${speaker(event.from)}'s ${event.kind} news kept for its next prompt`],
      }));
    case 'story.conflict':
      return withStory(view, event.storyId, (s) => ({ notes: [...s.notes, `conflict in ${event.files.join(', ')}`] }));
    case 'quota.paused':
      return { ...view, quota: { ...view.quota, [event.storyId]: event.until } };
    case 'quota.resumed': {
      const { [event.storyId]: _resumed, ...quota } = view.quota;
      return { ...view, quota };
    }
    case 'quota.held':
      return { ...view, quotaHeld: event.until };
    case 'quota.released':
      return { ...view, quotaHeld: undefined };
    case 'replan.applied':
      return replanned(view, event);
    case 'run.completed':
      return { ...view, planning: undefined, review: undefined, finished: { status: event.status, at: t } };
    default:
      return view;
  }
}

/** The levels that ran, then the ones a replan recomputed (a retried story moves there); each story's new status. */
function replanned(view: ViewModel, event: Extract<RunReportEvent, { type: 'replan.applied' }>): ViewModel {
  const ahead = new Set(event.levels.flat());
  const ran = view.levels.slice(0, event.level + 1).map((level) => level.filter((id) => !ahead.has(id)));
  const levels = [...ran, ...event.levels].filter((level) => level.length > 0);
  const start: ViewModel = { ...view, levels };
  return event.after.reduce((v, story) => withStory(v, story.id, () => ({ status: story.status })), start);
}

export function applySnapshot(view: ViewModel, snapshot: StorySnapshot): ViewModel {
  return withStory(view, snapshot.storyId, (s) => ({
    state: snapshot.state,
    costUsd: snapshot.costUsd ?? s.costUsd,
    tokens: snapshot.tokens ?? s.tokens,
  }));
}

export function applyKey(view: ViewModel, key: ViewKey): ViewModel {
  const count = storyOrder(view).length;
  switch (key) {
    case 'up':
      return { ...view, selected: Math.max(0, view.selected - 1) };
    case 'down':
      return { ...view, selected: Math.max(0, Math.min(count - 1, view.selected + 1)) };
    case 'enter':
      return { ...view, detail: !view.detail };
    case 'stop':
      return { ...view, stopping: true };
  }
}
