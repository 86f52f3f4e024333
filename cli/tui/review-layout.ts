// The plan review's screen: the plan over most of it, the feedback line while it is typed, the planner's events.
import { planLines } from './plan-lines.js';
import { eventLines, HEADER_HEIGHT, hidden, INPUT_HEIGHT, pane, sized } from './panes.js';
import type { Frame, Pane, Size } from './panes.js';
import type { Viewport } from './review-model.js';
import type { ReviewView, ViewModel } from './view-model.js';

/** The review's keys: every one of them, even on a narrow terminal. */
export function reviewFooter(review: ReviewView, width: number): string {
  if (review.feedback !== undefined) return 'Enter sends it to the planner  ·  Esc cancels';
  const refine = review.canRefine ? ['r refine'] : [];
  const long = ['a/Enter approve', ...refine, 'q quit (nothing runs)', '↑/↓ j/k scroll'].join('  ·  ');
  return long.length <= width ? long : ['a/Enter approve', ...refine, 'q quit', 'j/k scroll'].join(' · ');
}

/** The review's panes, top to bottom: the plan, the feedback line while it is typed, the events if there is room. */
function reviewBoxes(width: number, height: number, typing: boolean) {
  const body = height - HEADER_HEIGHT - 1;
  const input = typing ? INPUT_HEIGHT : 0;
  const wanted = Math.min(10, Math.max(4, Math.floor(body / 4)));
  const events = body - wanted - input >= 5 ? wanted : 0;
  const plan = body - events - input;
  return {
    plan: { top: HEADER_HEIGHT, left: 0, width, height: plan },
    input: { top: HEADER_HEIGHT + plan, left: 0, width, height: input },
    events: { top: HEADER_HEIGHT + plan + input, left: 0, width, height: events },
  };
}

/** How far the plan scrolls at this size: the review's keys are clamped to it. */
export function reviewViewport(view: ViewModel, size: Size): Viewport {
  const { width, height } = sized(size);
  const box = reviewBoxes(width, height, view.review?.feedback !== undefined).plan;
  const lines = view.plan ? planLines(view.plan, view.levels, box.width - 2).length : 0;
  const page = Math.max(1, box.height - 2);
  return { maxTop: Math.max(0, lines - page), page };
}

export function reviewFrame(
  view: ViewModel,
  review: ReviewView,
  header: Pane,
  size: { width: number; height: number },
): Frame {
  const boxes = reviewBoxes(size.width, size.height, review.feedback !== undefined);
  const lines = view.plan ? planLines(view.plan, view.levels, size.width - 2) : [];
  const page = Math.max(1, boxes.plan.height - 2);
  const top = Math.max(0, Math.min(review.top, lines.length - page));
  const shown =
    lines.length > page ? ` · lines ${top + 1}-${Math.min(lines.length, top + page)} of ${lines.length}` : '';
  const typed = review.feedback ?? '';
  const room = Math.max(1, size.width - 2 - 3);
  return {
    header,
    stories: pane(`plan${shown}`, boxes.plan, lines.slice(top)),
    detail: hidden(boxes.plan.top, size.width),
    events: pane('events', boxes.events, eventLines(view, boxes.events.height - 2)),
    input: pane('what should change?', boxes.input, [`> ${typed.slice(-room)}█`]),
    footer: reviewFooter(review, size.width).slice(0, size.width),
  };
}
