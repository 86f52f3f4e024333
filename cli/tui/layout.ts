// Lays the view model out for a terminal of a given size: panes with positions and lines that fit them. No I/O.
import { clock, duration, eventLines, HEADER_HEIGHT, hidden, pane, sized, tokensText } from './panes.js';
import type { Frame, Size } from './panes.js';
import { reviewFooter, reviewFrame } from './review-layout.js';
import { pendingStory, storyOrder } from './view-model.js';
import type { StoryStatus, StoryView, ViewModel } from './view-model.js';
import { planSize } from '../../services/words.js';

export type { Frame, Pane, Size } from './panes.js';
export { reviewViewport } from './review-layout.js';

const GLYPH: Record<StoryStatus, string> = {
  pending: '·',
  running: '▶',
  merged: '✓',
  failed: '✗',
  blocked: '⊘',
  replaced: '↳',
};

function headerLines(view: ViewModel, now: number): string[] {
  const stories = Object.values(view.stories);
  const total = storyOrder(view).length;
  const count = (s: StoryStatus) => stories.filter((story) => story.status === s).length;
  const cost = stories.reduce((sum, s) => sum + s.costUsd, 0);
  const tokens = stories.reduce((sum, s) => sum + s.tokens, 0);
  const elapsed = view.startedAt === undefined ? 0 : (view.finished?.at ?? now) - view.startedAt;
  const until = Math.min(...Object.values(view.quota));
  const held = view.quotaHeld;
  const quota = Number.isFinite(until)
    ? `quota paused until ${clock(until)} (in ${duration(until - now)})`
    : held !== undefined
      ? `quota low: new stories wait until ${clock(held)} (in ${duration(held - now)})`
      : 'quota ok';
  const inspector = view.inspector ? [`inspector ${view.inspector}`] : [];
  const levels = planSize(total, view.levels.length);
  const stage = view.review ? `review the plan: ${levels}` : view.planning && `planning: ${view.planning}`;
  return [
    `${view.goal || 'baro'}  ·  ${view.branch || 'no branch yet'}`,
    (stage
      ? [duration(elapsed), stage, ...inspector]
      : [
          duration(elapsed),
          `${count('merged')}/${total} merged`,
          ...(count('failed') > 0 ? [`${count('failed')} failed`] : []),
          ...(count('blocked') > 0 ? [`${count('blocked')} blocked`] : []),
          `$${cost.toFixed(2)}`,
          `${tokensText(tokens)} tokens`,
          quota,
          ...inspector,
        ]
    ).join('  ·  '),
  ];
}

function storyRow(story: StoryView, selected: boolean): string {
  const state = story.status === 'running' || story.status === 'pending' ? story.state : story.status;
  return `${selected ? '>' : ' '} ${GLYPH[story.status]} ${story.id.padEnd(8)} ${state.padEnd(14)} ${story.activity}`;
}

/** The story list, scrolled so the selected story stays in view. */
function storyLines(view: ViewModel, height: number): string[] {
  if (view.levels.length === 0 && view.planning !== undefined)
    return ['Planning…', `  ${view.planning}`, '', 'The plan shows here when it is ready.'];
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
    ...s.verdicts.map((v) => `verdict ${v}`),
    ...s.notes.slice(-5),
    'recent tool calls:',
    ...s.tools
      .slice(-20)
      .reverse()
      .map((t) => `  ${t}`),
  ];
}

function footer(view: ViewModel, width: number): string {
  if (view.finished) return `run ${view.finished.status}`;
  if (view.stopping) return 'stopping: ending every agent, the worktrees stay (baro resume continues)…';
  if (view.review) return reviewFooter(view.review, width);
  const long = '↑/↓ or j/k select  ·  enter detail  ·  q stop (same as Ctrl-C)';
  return long.length <= width ? long : 'j/k select · enter detail · q stop';
}

export function layout(view: ViewModel, size: Size, now: number): Frame {
  const { width, height } = sized(size);
  const body = height - HEADER_HEIGHT - 1;
  const header = pane('baro', { top: 0, left: 0, width, height: HEADER_HEIGHT }, headerLines(view, now));
  if (view.review && !view.finished) return reviewFrame(view, view.review, header, { width, height });
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
    input: hidden(height - 1, width),
    footer: footer(view, width).slice(0, width),
  };
}
