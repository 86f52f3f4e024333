// The plan review as a mode of the TUI, without blessed: planning shown, the plan laid out, keys, answers, a resize.
import { describe, expect, it } from 'vitest';
import type { Proposal, StoryDef } from '../../../machines/types.js';
import type { RunReportEvent } from '../../../cli/run-events.js';
import { runKey } from '../../../cli/tui/keys.js';
import type { KeyPress } from '../../../cli/tui/keys.js';
import { layout, reviewViewport } from '../../../cli/tui/layout.js';
import type { Frame, Size } from '../../../cli/tui/layout.js';
import { wrap } from '../../../cli/tui/plan-lines.js';
import { openReview, reviewKey } from '../../../cli/tui/review-model.js';
import type { ReviewStep } from '../../../cli/tui/review-model.js';
import { applyEvent, emptyView } from '../../../cli/tui/view-model.js';
import type { ViewModel } from '../../../cli/tui/view-model.js';

const T0 = Date.UTC(2026, 11, 1, 6, 0, 0);
const WIDE: Size = { width: 160, height: 50 };
const NARROW: Size = { width: 60, height: 20 };

const story = (id: string, extra: Partial<StoryDef> = {}): StoryDef => ({
  id,
  title: `Story ${id}`,
  description: `Do ${id}.`,
  dependsOn: [],
  acceptance: [`${id} works`],
  ...extra,
});

const PROPOSAL: Proposal = {
  plan: {
    goal: 'Add greetings',
    stories: [
      story('A', { title: 'Say hello \u001b[31mloudly\u001b[0m\u0007', tier: 'light', writes: ['src/hello.ts'] }),
      story('B', {
        dependsOn: ['A'],
        tier: 'heavy',
        acceptance: ['B greets in every language the project supports, and the tests cover each of them', 'docs'],
      }),
    ],
  },
  levels: [['A'], ['B']],
};

const LONG: Proposal = {
  plan: { goal: 'Many', stories: Array.from({ length: 20 }, (_, i) => story(`S${i + 1}`)) },
  levels: [Array.from({ length: 20 }, (_, i) => `S${i + 1}`)],
};

const started: RunReportEvent = {
  type: 'run.started',
  runId: 'r1',
  goal: 'Add greetings',
  branch: null,
  base: 'main',
  parallel: 2,
  runDir: '/runs/r1',
  repo: '/repo',
};

const planReady = (proposal: Proposal): RunReportEvent => ({
  type: 'plan.ready',
  stories: proposal.plan.stories.length,
  levels: proposal.levels,
  plan: proposal.plan,
});

const fold = (events: readonly RunReportEvent[], view: ViewModel = emptyView): ViewModel =>
  events.reduce((v, event, i) => applyEvent(v, event, T0 + i * 1000, `line of ${event.type}`), view);

const reviewing = (proposal: Proposal = PROPOSAL, canRefine = true): ViewModel =>
  openReview(fold([started, planReady(proposal)]), proposal, { canRefine });

const keyOf = (full: string): KeyPress => ({ full, ch: full.length === 1 ? full : undefined });

/** Presses the keys in order at `size`, as the TUI does; the last step. */
function press(view: ViewModel, keys: readonly string[], size: Size = WIDE): ReviewStep {
  return keys.reduce<ReviewStep>((step, key) => reviewKey(step.view, keyOf(key), reviewViewport(step.view, size), T0), {
    view,
  });
}

const allText = (frame: Frame) =>
  [frame.header, frame.stories, frame.detail, frame.events, frame.input].flatMap((p) => p.lines).join('\n');

describe('planning in the TUI', () => {
  it('says what planning does in the header and the stories pane, and lists the planner in the events', () => {
    const view = fold([started, { type: 'planner.started', purpose: 'draft', turn: 1 }]);
    const frame = layout(view, WIDE, T0 + 5000);
    expect(frame.header.lines[0]).toContain('no branch yet');
    expect(frame.header.lines[1]).toContain('planning: the planner reads the repository and drafts the plan…');
    expect(frame.stories.lines[0]).toBe('Planning…');
    expect(view.events.map((e) => `${e.source}: ${e.text}`)).toContain('Planner: line of planner.started');
    expect(fold([{ type: 'planner.paused', until: T0 + 60_000 }], view).planning).toBe(
      'planning paused by the usage limit until 06:01:00',
    );
  });
});

describe('the plan review in the TUI', () => {
  it('shows the plan by level with dependencies, tier, acceptance and writes, and the keys in the footer', () => {
    const frame = layout(reviewing(), WIDE, T0);
    expect(frame.header.lines[1]).toContain('review the plan: 2 stories in 2 levels');
    expect(frame.stories.lines).toEqual([
      'Level 1',
      '  A  Say hello loudly',
      '    light · no dependencies',
      '    ✓ A works',
      '    writes: src/hello.ts',
      '',
      'Level 2',
      '  B  Story B',
      '    heavy · after A',
      '    ✓ B greets in every language the project supports, and the tests cover each of them',
      '    ✓ docs',
    ]);
    expect(frame.footer).toBe('a/Enter approve  ·  r refine  ·  q quit (nothing runs)  ·  ↑/↓ j/k scroll');
    expect(frame.detail.height).toBe(0);
    expect(frame.input.height).toBe(0);
  });

  it('never passes a control character of the plan on to the terminal', () => {
    const text = allText(layout(reviewing(), NARROW, T0));
    expect(text).toContain('Say hello loudly');
    for (const line of text.split('\n')) expect(line).not.toMatch(/\p{Cc}/u);
  });

  it('answers approve with a or Enter, and quit with q or Ctrl-C', () => {
    expect(press(reviewing(), ['a']).answer).toEqual({ type: 'review.approve' });
    expect(press(reviewing(), ['enter']).answer).toEqual({ type: 'review.approve' });
    expect(press(reviewing(), ['q']).answer).toEqual({ type: 'review.quit' });
    expect(press(reviewing(), ['C-c']).answer).toEqual({ type: 'review.quit' });
    const approved = press(reviewing(), ['a']).view;
    expect(approved.review).toBeUndefined();
    expect(approved.events.at(-1)).toMatchObject({ source: 'Review', text: 'plan approved' });
    expect(layout(approved, WIDE, T0).footer).toContain('q stop (same as Ctrl-C)');
    expect(layout(approved, NARROW, T0).footer).toBe('j/k select · enter detail · q stop');
  });

  it('takes typed feedback in a line of its own: keys type, backspace and Esc edit, Enter sends it', () => {
    const typing = press(reviewing(), ['r', 'q', 'j', 'a', 'x', 'backspace']);
    expect(typing.answer).toBeUndefined();
    expect(typing.view.review?.feedback).toBe('qja');
    const frame = layout(typing.view, WIDE, T0);
    expect(frame.input.lines).toEqual(['> qja█']);
    expect(frame.footer).toBe('Enter sends it to the planner  ·  Esc cancels');

    expect(press(typing.view, ['escape']).view.review).toMatchObject({ feedback: undefined });
    // Enter with nothing typed goes back to choosing.
    expect(press(reviewing(), ['r', 'enter']).view.review).toMatchObject({ feedback: undefined });

    const sent = press(typing.view, [' ', 'enter']);
    expect(sent.answer).toEqual({ type: 'review.refine', feedback: 'qja' });
    expect(sent.view).toMatchObject({ review: undefined, levels: [], planning: expect.stringContaining('revises') });
    expect(layout(sent.view, WIDE, T0).stories.lines[0]).toBe('Planning…');
  });

  it('offers no refine for a plan given with --plan', () => {
    const view = reviewing(PROPOSAL, false);
    expect(press(view, ['r']).view.review?.feedback).toBeUndefined();
    expect(layout(view, WIDE, T0).footer).not.toContain('refine');
  });

  it('reviews the revised plan from its top after a refine', () => {
    const sent = press(reviewing(LONG), ['G', 'r', 'm', 'enter']).view;
    const revised: Proposal = { ...PROPOSAL, plan: { ...PROPOSAL.plan, stories: [story('A'), story('B')] } };
    const again = openReview(fold([planReady(revised)], sent), revised, { canRefine: true });
    expect(again.review).toEqual({ canRefine: true, top: 0, feedback: undefined });
    expect(layout(again, WIDE, T0).stories.lines.slice(0, 2)).toEqual(['Level 1', '  A  Story A']);
  });

  it('scrolls a long plan by line and by page, never past its ends', () => {
    const view = reviewing(LONG);
    const { maxTop, page } = reviewViewport(view, NARROW);
    expect(maxTop).toBeGreaterThan(0);
    expect(press(view, ['j', 'j', 'down', 'k'], NARROW).view.review?.top).toBe(2);
    expect(press(view, ['k', 'up'], NARROW).view.review?.top).toBe(0);
    expect(press(view, ['pagedown'], NARROW).view.review?.top).toBe(page);
    expect(press(view, ['S-g', 'j', 'j'], NARROW).view.review?.top).toBe(maxTop);
    expect(press(view, ['end', 'g'], NARROW).view.review?.top).toBe(0);
    const end = layout(press(view, ['S-g'], NARROW).view, NARROW, T0);
    expect(end.stories.lines.at(-1)).toBe('    ✓ S20 works');
    expect(end.stories.label).toMatch(/^plan · lines \d+-\d+ of \d+$/);
  });

  it('fits a resize during the review: scrolled to the end narrow, then wide, typing, and back', () => {
    let view = press(reviewing(LONG), ['S-g'], NARROW).view;
    // Wide, the plan is shorter: it shows up to its last line, and the next key scrolls from there.
    expect(layout(view, WIDE, T0).stories.lines.at(-1)).toBe('    ✓ S20 works');
    view = press(view, ['k'], WIDE).view;
    expect(view.review?.top).toBe(reviewViewport(view, WIDE).maxTop - 1);
    // The footer still names every key on a narrow terminal.
    expect(layout(view, NARROW, T0).footer).toBe('a/Enter approve · r refine · q quit · j/k scroll');
    view = press(view, ['r', ...'please split the longest story into two smaller ones'.split('')], NARROW).view;
    for (const size of [NARROW, { width: 20, height: 5 }, WIDE]) {
      const frame = layout(view, size, T0);
      const width = Math.max(40, size.width);
      const height = Math.max(14, size.height);
      expect(frame.input.height).toBe(3);
      expect(frame.input.lines[0]).toMatch(/ones█$/);
      for (const pane of [frame.header, frame.stories, frame.events, frame.input]) {
        expect(pane.top + pane.height).toBeLessThanOrEqual(height - 1);
        expect(pane.lines.length).toBeLessThanOrEqual(Math.max(0, pane.height - 2));
        for (const line of pane.lines) expect(line.length).toBeLessThanOrEqual(pane.width - 2);
      }
      expect(frame.stories.height).toBeGreaterThanOrEqual(3);
      expect(frame.footer.length).toBeLessThanOrEqual(width);
    }
  });
});

describe('the keys', () => {
  it('map to the run view outside the review: q and Ctrl-C stop, j/k select', () => {
    expect(['q', 'C-c', 'j', 'up', 'enter', 'x'].map((full) => runKey(keyOf(full)))).toEqual([
      'stop',
      'stop',
      'down',
      'up',
      'enter',
      undefined,
    ]);
  });

  it('wrap long words where the line ends', () => {
    const lines = wrap('a path/that/is/far/too/long/for/the/pane and more', 16, '  ', '    ');
    expect(lines.every((line) => line.length <= 16)).toBe(true);
    expect(lines.join('').replace(/ /g, '')).toBe('apath/that/is/far/too/long/for/the/paneandmore');
  });
});
