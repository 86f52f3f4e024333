// The TUI as a run observer: folds events and story snapshots into the view model and redraws it; q stops like Ctrl-C.
import type { Readable, Writable } from 'node:stream';
import type { AnyActor, InspectionEvent } from 'xstate';
import type { ReviewEvent } from '../../machines/run-context.js';
import { plainLine } from '../run-events.js';
import type { RunReportEvent } from '../run-events.js';
import type { Reviewer } from '../review.js';
import { layout, reviewViewport } from './layout.js';
import { openReview, reviewKey } from './review-model.js';
import { openScreen } from './screen.js';
import { stateText } from './labels.js';
import { runKey } from './keys.js';
import type { KeyPress } from './keys.js';
import { applyEvent, applyKey, applySnapshot, emptyView } from './view-model.js';
import type { ViewModel } from './view-model.js';

export interface Tui {
  readonly report: (event: RunReportEvent) => void;
  readonly inspect: (event: InspectionEvent) => void;
  /** Shows the plan for review in the screen and resolves with the person's answer. */
  readonly review: Reviewer;
  /** Gives the terminal back and prints `epilogue` (the run's report), then the run's last line. */
  readonly close: (epilogue?: string) => Promise<void>;
}

const REDRAW_MS = 100;
const TICK_MS = 1000;
const STORY_PREFIX = 'story:';

const numberIn = (context: unknown, key: string): number | undefined => {
  const value = typeof context === 'object' && context !== null ? (context as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' ? value : undefined;
};

export function startTui(options: { readonly out: Writable; readonly input?: Readable | undefined }): Tui {
  const screen = openScreen(options.out, options.input ?? process.stdin);
  let view: ViewModel = emptyView;
  let completed: RunReportEvent | undefined;
  let redraw: NodeJS.Timeout | undefined;
  const draw = () => {
    redraw = undefined;
    screen.draw(layout(view, screen.size(), Date.now()));
  };
  const update = (next: ViewModel) => {
    view = next;
    redraw ??= setTimeout(draw, REDRAW_MS);
  };
  // The clock and the keyboard never keep the process alive by themselves: the run does, until it ends or fails.
  const tick = setInterval(draw, TICK_MS).unref();
  screen.onResize(draw);
  let answer: ((event: ReviewEvent) => void) | undefined;
  const onReviewKey = (press: KeyPress) => {
    const step = reviewKey(view, press, reviewViewport(view, screen.size()), Date.now());
    update(step.view);
    if (step.answer === undefined) return;
    screen.awaitKeys(false);
    answer?.(step.answer);
    answer = undefined;
  };
  screen.onKey((press) => {
    if (view.review) return onReviewKey(press);
    const key = runKey(press);
    if (key === undefined) return;
    if (key === 'stop') {
      if (view.stopping) return;
      // The same path as Ctrl-C outside the TUI: the run's SIGINT handler stops the tree and saves the state.
      process.kill(process.pid, 'SIGINT');
    }
    update(applyKey(view, key));
  });
  draw();

  return {
    report(event) {
      if (event.type === 'run.completed') completed = event;
      update(applyEvent(view, event, Date.now(), plainLine(event)));
    },
    review(proposal, reviewOptions) {
      return new Promise((resolveAnswer) => {
        answer = resolveAnswer;
        // Nothing else may be running while the Run waits for the person: the keyboard keeps the process alive.
        screen.awaitKeys(true);
        update(openReview(view, proposal, reviewOptions));
      });
    },
    inspect(event) {
      if (event.type !== '@xstate.snapshot') return;
      const systemId = (event.actorRef as AnyActor).systemId;
      if (!systemId?.startsWith(STORY_PREFIX)) return;
      const snapshot = event.snapshot as { value?: unknown; context?: unknown };
      const input = numberIn(snapshot.context, 'inputTokens') ?? 0;
      const output = numberIn(snapshot.context, 'outputTokens') ?? 0;
      update(
        applySnapshot(view, {
          storyId: systemId.slice(STORY_PREFIX.length),
          state: stateText(snapshot.value),
          costUsd: numberIn(snapshot.context, 'costUsd'),
          tokens: input + output,
        }),
      );
    },
    async close(epilogue) {
      clearInterval(tick);
      screen.awaitKeys(false);
      if (redraw) clearTimeout(redraw);
      draw();
      screen.destroy();
      if (epilogue !== undefined) options.out.write(epilogue);
      const last = completed ? plainLine(completed) : undefined;
      if (last) options.out.write(`${last}\n`);
    },
  };
}
