// How run events and actor states read on the TUI: who speaks for an event, a tool call, a state value.
import type { RunReportEvent } from '../run-events.js';
import { clock } from './panes.js';

// Which participant an event speaks for, in the event pane.
const SOURCES: readonly (readonly [RegExp, string])[] = [
  [/^knowledge\./, 'Librarian'],
  [/^collision\./, 'Sentry'],
  [/^story\.verdict/, 'Critic'],
  [/^(replan|surgeon)\./, 'Surgeon'],
  [/^(story\.(committed|merged|conflict)|branch\.)/, 'Operator'],
  [/^quota\./, 'Quota'],
  [/^(planner|plan)\./, 'Planner'],
];

export const sourceOf = (type: string): string => SOURCES.find(([pattern]) => pattern.test(type))?.[1] ?? 'Run';

export const REVISING = 'the planner revises the plan with your feedback…';

type PlannerProgress = Extract<
  RunReportEvent,
  { type: 'planner.started' | 'planner.retry' | 'planner.paused' | 'planner.resumed' }
>;

/** What planning does now, as the header and the stories pane say it while there is no plan yet. */
export function planningText(event: PlannerProgress): string {
  switch (event.type) {
    case 'planner.started':
      if (event.purpose === 'draft') return 'the planner reads the repository and drafts the plan…';
      return event.purpose === 'repair' ? 'the planner repairs its plan…' : REVISING;
    case 'planner.retry':
      return `the planner retries at ${clock(event.at)} (${event.reason})`;
    case 'planner.paused':
      return `planning paused by the usage limit until ${clock(event.until)}`;
    case 'planner.resumed':
      return 'the planner resumes after the usage-limit pause…';
  }
}

// Agents report absolute paths inside their worktree; the part after the story's folder is what a reader needs.
const WORKTREE_PREFIX = /^.*\/worktrees\/[^/]+\/[^/]+\//;

export function toolText(event: Extract<RunReportEvent, { type: 'story.tool' }>): string {
  const what = event.command ?? event.paths.map((path) => path.replace(WORKTREE_PREFIX, '')).join(' ');
  return `${event.name}${what ? ` ${what}` : ''}${event.ok ? '' : ' (failed)'}`;
}

/** A Critic's verdict as the detail pane lists it: the round, pass or fail, why, and what is still unmet. */
export function verdictText(event: Extract<RunReportEvent, { type: 'story.verdict' }>): string {
  const reasons = event.reasons.length > 0 ? ` — ${event.reasons.join('; ')}` : '';
  const unmet = event.unmetCriteria.length > 0 ? ` (unmet: ${event.unmetCriteria.join('; ')})` : '';
  return `round ${event.round}: ${event.verdict}${reasons}${unmet}`;
}

/** A state value as one short text: `working`, or `merging.rebasing` for nested states, regions joined by commas. */
export function stateText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return '';
  return Object.entries(value)
    .map(([key, sub]) => {
      const inner = stateText(sub);
      return inner ? `${key}.${inner}` : key;
    })
    .join(',');
}
