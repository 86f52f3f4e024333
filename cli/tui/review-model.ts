// The plan review as a mode of the TUI: the plan scrolled by line, feedback typed in the screen, and the answer for
// the Run. Pure, like the rest of the view model.
import type { ReviewEvent } from '../../machines/run-context.js';
import type { Proposal } from '../../machines/types.js';
import { oneLine } from '../../services/text.js';
import { REVISING } from './labels.js';
import { withEvent } from './view-model.js';
import type { KeyPress } from './keys.js';
import type { ReviewView, ViewModel } from './view-model.js';

/** How far the plan can scroll at the terminal's size (from the layout): the last first line, and a page. */
export interface Viewport {
  readonly maxTop: number;
  readonly page: number;
}

export interface ReviewStep {
  readonly view: ViewModel;
  /** Set once the person has answered: what the Run is sent. */
  readonly answer?: ReviewEvent;
}

const MAX_FEEDBACK = 2000;
// A character the person typed (not a control key): what the feedback line accepts.
const TYPED = /^[^\p{Cc}]+$/u;

/** The Run waits in `reviewing`: the screen shows this plan (a revised one starts at its top) and asks. */
export function openReview(view: ViewModel, proposal: Proposal, options: { readonly canRefine: boolean }): ViewModel {
  return {
    ...view,
    planning: undefined,
    plan: proposal.plan,
    levels: proposal.levels,
    review: { canRefine: options.canRefine, top: 0, feedback: undefined },
  };
}

type Scroll = (top: number, viewport: Viewport) => number;

const SCROLL: ReadonlyMap<string, Scroll> = new Map<string, Scroll>([
  ['up', (top) => top - 1],
  ['k', (top) => top - 1],
  ['down', (top) => top + 1],
  ['j', (top) => top + 1],
  ['pageup', (top, v) => top - v.page],
  ['b', (top, v) => top - v.page],
  ['pagedown', (top, v) => top + v.page],
  ['space', (top, v) => top + v.page],
  ['home', () => 0],
  ['g', () => 0],
  ['end', (_top, v) => v.maxTop],
  ['S-g', (_top, v) => v.maxTop],
]);

function answered(view: ViewModel, answer: ReviewEvent, t: number, line: string): ReviewStep {
  const next: ViewModel =
    answer.type === 'review.refine'
      ? // The plan on screen is being replaced: planning shows until the revised one is ready.
        { ...view, review: undefined, planning: REVISING, plan: undefined, levels: [] }
      : { ...view, review: undefined };
  return { view: withEvent(next, t, 'Review', line), answer };
}

function typing(view: ViewModel, review: ReviewView, feedback: string, press: KeyPress, t: number): ReviewStep {
  const edit = (next: string | undefined) => ({ view: { ...view, review: { ...review, feedback: next } } });
  switch (press.full) {
    case 'enter': {
      const text = oneLine(feedback);
      // Nothing typed: back to choosing, as Esc.
      if (text === '') return edit(undefined);
      return answered(view, { type: 'review.refine', feedback: text }, t, `refine: ${text}`);
    }
    case 'escape':
      return edit(undefined);
    case 'backspace':
      return edit(Array.from(feedback).slice(0, -1).join(''));
    case 'C-u':
      return edit('');
    case 'C-c':
      return answered(view, { type: 'review.quit' }, t, 'quit: nothing was run');
    default: {
      const ch = press.ch ?? '';
      const typed = TYPED.test(ch) && !/^[CM]-/.test(press.full);
      return typed && feedback.length < MAX_FEEDBACK ? edit(feedback + ch) : { view };
    }
  }
}

/** Folds one key into the review: scrolling, typing the feedback, or the person's answer. */
export function reviewKey(view: ViewModel, press: KeyPress, viewport: Viewport, t: number): ReviewStep {
  const review = view.review;
  if (review === undefined) return { view };
  if (review.feedback !== undefined) return typing(view, review, review.feedback, press, t);
  switch (press.full) {
    case 'a':
    case 'enter':
      return answered(view, { type: 'review.approve' }, t, 'plan approved');
    case 'r':
      return review.canRefine ? { view: { ...view, review: { ...review, feedback: '' } } } : { view };
    case 'q':
    case 'C-c':
      return answered(view, { type: 'review.quit' }, t, 'quit: nothing was run');
  }
  const scroll = SCROLL.get(press.full);
  if (scroll === undefined) return { view };
  // Clamped to what the terminal shows now, so a resize never leaves the plan scrolled past its end.
  const top = Math.max(0, Math.min(viewport.maxTop, scroll(Math.min(review.top, viewport.maxTop), viewport)));
  return { view: { ...view, review: { ...review, top } } };
}
