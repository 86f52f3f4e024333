// Lays the view model out for a terminal of a given size: panes with positions and lines that fit them. No I/O.
import { pendingStory, storyOrder } from './view-model.js';
import type { StoryStatus, StoryView, ViewModel } from './view-model.js';

export interface Pane {
  readonly label: string;
  readonly top: number;
  readonly left: number;
  readonly width: number;
  /** 0 hides the pane. */
  readonly height: number;
  /** Already cut to the pane's inner size (inside its border). */
  readonly lines: readonly string[];
}

export interface Frame {
  readonly header: Pane;
  readonly stories: Pane;
  readonly detail: Pane;
  readonly events: Pane;
  readonly footer: string;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

const MIN = { width: 40, height: 14 } as const;
const HEADER_HEIGHT = 4;
const GLYPH: Record<StoryStatus, string> = { pending: '·', running: '▶', merged: '✓', failed: '✗', blocked: '⊘' };

export const duration = (ms: number): string => {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${pad(m)}m${pad(s % 60)}s` : `${m}m${pad(s % 60)}s`;
};

const tokensText = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));
const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

function fit(lines: readonly string[], width: number, height: number): string[] {
  return lines
    .slice(0, Math.max(0, height))
    .map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
}

function pane(label: string, box: Omit<Pane, 'label' | 'lines'>, lines: readonly string[]): Pane {
  return { label, ...box, lines: fit(lines, box.width - 2, box.height - 2) };
}

function headerLines(view: ViewModel, now: number): string[] {
  const stories = Object.values(view.stories);
  const total = storyOrder(view).length;
  const count = (s: StoryStatus) => stories.filter((story) => story.status === s).length;
  const cost = stories.reduce((sum, s) => sum + s.costUsd, 0);
  const tokens = stories.reduce((sum, s) => sum + s.tokens, 0);
  const elapsed = view.startedAt === undefined ? 0 : (view.finished?.at ?? now) - view.startedAt;
  const until = Math.min(...Object.values(view.quota));
  const quota = Number.isFinite(until)
    ? `quota paused until ${clock(until)} (in ${duration(until - now)})`
    : 'quota ok';
  return [
    `${view.goal || 'baro'}  ·  ${view.branch}`,
    [
      duration(elapsed),
      `${count('merged')}/${total} merged`,
      ...(count('failed') > 0 ? [`${count('failed')} failed`] : []),
      ...(count('blocked') > 0 ? [`${count('blocked')} blocked`] : []),
      `$${cost.toFixed(2)}`,
      `${tokensText(tokens)} tokens`,
      quota,
      ...(view.inspector ? [`inspector ${view.inspector}`] : []),
    ].join('  ·  '),
  ];
}

function storyRow(story: StoryView, selected: boolean): string {
  const state = story.status === 'running' || story.status === 'pending' ? story.state : story.status;
  return `${selected ? '>' : ' '} ${GLYPH[story.status]} ${story.id.padEnd(8)} ${state.padEnd(14)} ${story.activity}`;
}

/** The story list, scrolled so the selected story stays in view. */
function storyLines(view: ViewModel, height: number): string[] {
  const selectedId = storyOrder(view)[view.selected];
  const lines: string[] = [];
  let selectedLine = 0;
  view.levels.forEach((level, i) => {
    lines.push(`Level ${i + 1}`);
    for (const id of level) {
      if (id === selectedId) selectedLine = lines.length;
      lines.push(storyRow(view.stories[id] ?? pendingStory(id), id === selectedId));
    }
  });
  const start = Math.max(0, Math.min(selectedLine - Math.floor(height / 2), lines.length - height));
  return lines.slice(start);
}

function detailLines(view: ViewModel): string[] {
  const id = storyOrder(view)[view.selected];
  if (id === undefined) return ['No stories yet.'];
  const s = view.stories[id] ?? pendingStory(id);
  return [
    `${s.id}: ${s.status} (${s.state}), attempt ${s.attempts}`,
    `$${s.costUsd.toFixed(3)}  ·  ${tokensText(s.tokens)} tokens`,
    ...(s.lastError ? [`last error: ${s.lastError}`] : []),
    ...s.notes.slice(-5),
    'recent tool calls:',
    ...s.tools
      .slice(-20)
      .reverse()
      .map((t) => `  ${t}`),
  ];
}

function eventLines(view: ViewModel, height: number): string[] {
  return view.events.slice(-height).map((e) => `${clock(e.t)} ${e.source.padEnd(9)} ${e.text}`);
}

function footer(view: ViewModel): string {
  if (view.finished) return `run ${view.finished.status}`;
  if (view.stopping) return 'stopping: ending every agent, the worktrees stay (baro resume continues)…';
  return '↑/↓ or j/k select  ·  enter detail  ·  q stop (same as Ctrl-C)';
}

export function layout(view: ViewModel, size: Size, now: number): Frame {
  const width = Math.max(MIN.width, size.width);
  const height = Math.max(MIN.height, size.height);
  const body = height - HEADER_HEIGHT - 1;
  const header = pane('baro', { top: 0, left: 0, width, height: HEADER_HEIGHT }, headerLines(view, now));
  const wide = width >= 100;
  const storiesBox = wide
    ? { top: HEADER_HEIGHT, left: 0, width: Math.floor(width * 0.55), height: body }
    : { top: HEADER_HEIGHT, left: 0, width, height: Math.floor(body * 0.5) };
  const rest = wide
    ? { top: HEADER_HEIGHT, left: storiesBox.width, width: width - storiesBox.width, height: body }
    : { top: HEADER_HEIGHT + storiesBox.height, left: 0, width, height: body - storiesBox.height };
  const detailHeight = view.detail ? rest.height : Math.floor(rest.height / 2);
  const eventsHeight = rest.height - detailHeight;
  return {
    header,
    stories: pane('stories', storiesBox, storyLines(view, storiesBox.height - 2)),
    detail: pane('detail', { ...rest, height: detailHeight }, detailLines(view)),
    events: pane(
      'events',
      { ...rest, top: rest.top + detailHeight, height: eventsHeight },
      eventLines(view, eventsHeight - 2),
    ),
    footer: footer(view).slice(0, width),
  };
}
