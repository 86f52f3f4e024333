// How run events and actor states read on the TUI: who speaks for an event, a tool call, a state value.
import type { RunReportEvent } from '../run-events.js';

// Which participant an event speaks for, in the event pane.
const SOURCES: readonly (readonly [RegExp, string])[] = [
  [/^knowledge\./, 'Librarian'],
  [/^collision\./, 'Sentry'],
  [/^story\.verdict/, 'Critic'],
  [/^replan\./, 'Surgeon'],
  [/^(story\.(committed|merged|conflict)|branch\.)/, 'Operator'],
  [/^quota\./, 'Quota'],
];

export const sourceOf = (type: string): string => SOURCES.find(([pattern]) => pattern.test(type))?.[1] ?? 'Run';

// Agents report absolute paths inside their worktree; the part after the story's folder is what a reader needs.
const WORKTREE_PREFIX = /^.*\/worktrees\/[^/]+\/[^/]+\//;

export function toolText(event: Extract<RunReportEvent, { type: 'story.tool' }>): string {
  const what = event.command ?? event.paths.map((path) => path.replace(WORKTREE_PREFIX, '')).join(' ');
  return `${event.name}${what ? ` ${what}` : ''}${event.ok ? '' : ' (failed)'}`;
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
