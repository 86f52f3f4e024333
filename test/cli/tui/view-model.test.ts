// The TUI's view model and layout, without blessed: events and snapshots folded in, keys, and a terminal resize.
import { describe, expect, it } from 'vitest';
import { layout } from '../../../cli/tui/layout.js';
import type { Frame } from '../../../cli/tui/layout.js';
import type { RunReportEvent } from '../../../cli/run-events.js';
import { runKey } from '../../../cli/tui/keys.js';
import { stateText } from '../../../cli/tui/labels.js';
import { applyEvent, applyKey, applySnapshot, emptyView } from '../../../cli/tui/view-model.js';
import type { ViewModel } from '../../../cli/tui/view-model.js';

const T0 = Date.UTC(2026, 11, 1, 6, 0, 0);

const EVENTS: RunReportEvent[] = [
  {
    type: 'run.started',
    runId: 'r1',
    goal: 'Add rate limiting',
    branch: 'baro/rate',
    base: 'main',
    parallel: 2,
    runDir: '/runs/r1',
    repo: '/repo',
  },
  { type: 'inspect.listening', url: 'http://127.0.0.1:4000/' },
  { type: 'plan.ready', stories: 3, levels: [['A', 'B'], ['C']], plan: { goal: 'Add rate limiting', stories: [] } },
  { type: 'story.started', storyId: 'A', attempt: 1, purpose: 'story' },
  {
    type: 'story.tool',
    storyId: 'A',
    kind: 'edit',
    name: 'Edit',
    paths: ['/home/u/.baro/r-1/worktrees/r1/A/src/limiter.ts'],
    ok: true,
  },
  { type: 'collision.warning', path: 'src/app.ts', stories: ['A', 'B'], source: 'edit' },
  { type: 'story.merged', storyId: 'B', sha: '0123456789abcdef', files: ['src/b.ts'] },
  { type: 'story.failed', storyId: 'A', reason: 'max_turns: the agent ran out of turns' },
  { type: 'story.blocked', storyId: 'C', by: ['A'] },
  { type: 'quota.paused', storyId: 'B', until: T0 + 90_000 },
];

const fold = (events: readonly RunReportEvent[]): ViewModel =>
  events.reduce((view, event, i) => applyEvent(view, event, T0 + i * 1000, `line of ${event.type}`), emptyView);

const text = (frame: Frame) =>
  [frame.header, frame.stories, frame.detail, frame.events].flatMap((p) => p.lines).join('\n');

describe('the view model', () => {
  it('folds the run events into the header, stories, details and the event pane', () => {
    const view = fold(EVENTS);
    expect(view).toMatchObject({ goal: 'Add rate limiting', branch: 'baro/rate', inspector: 'http://127.0.0.1:4000/' });
    expect(view.stories['A']).toMatchObject({ status: 'failed', activity: 'Edit src/limiter.ts', attempts: 1 });
    expect(view.stories['A']?.notes).toEqual(['collision: edited src/app.ts, as B']);
    expect(view.stories['B']?.status).toBe('merged');
    expect(view.stories['C']).toMatchObject({ status: 'blocked', lastError: 'blocked by A' });
    expect(view.quota).toEqual({ B: T0 + 90_000 });
    expect(view.events.map((e) => e.source)).toContain('Sentry');
    expect(view.events.find((e) => e.source === 'Operator')?.text).toBe('line of story.merged');
  });

  it('shows a split story replaced and its parts in the level a replan recomputed, said by the Surgeon', () => {
    const view = fold([
      ...EVENTS,
      {
        type: 'replan.applied',
        level: 0,
        cause: { kind: 'story', storyId: 'A', reason: 'max_turns' },
        action: 'split',
        by: 'surgeon',
        reason: 'too big',
        before: [],
        after: [
          { id: 'A', title: 'a', dependsOn: [], status: 'replaced' },
          { id: 'B', title: 'b', dependsOn: [], status: 'merged' },
          { id: 'C', title: 'c', dependsOn: ['A1', 'A2'], status: 'pending' },
          { id: 'A1', title: 'a1', dependsOn: [], status: 'pending' },
          { id: 'A2', title: 'a2', dependsOn: [], status: 'pending' },
        ],
        levels: [['A1', 'A2'], ['C']],
        budgetLeft: 2,
      },
    ]);
    expect(view.levels).toEqual([['A', 'B'], ['A1', 'A2'], ['C']]);
    expect(view.stories['A']?.status).toBe('replaced');
    expect(view.stories['C']?.status).toBe('pending');
    expect(view.events.at(-1)).toMatchObject({ source: 'Surgeon', text: 'line of replan.applied' });
    expect(text(layout(view, { width: 100, height: 30 }, T0))).toContain('A1');
  });

  it('shows the live messages a story heard, their delivery and those kept for later, with their speaker', () => {
    const view = fold([
      ...EVENTS.slice(0, 4),
      { type: 'message.sent', storyId: 'A', from: 'sentry', kind: 'collision', uuid: 'u1' },
      { type: 'message.delivered', storyId: 'A', uuid: 'u1', latencyMs: 120 },
      { type: 'message.withheld', storyId: 'A', from: 'librarian', kind: 'merged' },
    ]);
    expect(view.stories['A']?.notes).toEqual([
      'heard the Sentry live: collision',
      'the news reached its agent in 120 ms',
      "Librarian's merged news kept for its next prompt",
    ]);
    expect(view.events.map((e) => e.source).slice(-3)).toEqual(['Sentry', 'Run', 'Librarian']);
  });

  it('takes the story state and running totals from the story actor snapshots', () => {
    const view = applySnapshot(fold(EVENTS.slice(0, 4)), {
      storyId: 'A',
      state: 'working',
      costUsd: 0.25,
      tokens: 1500,
    });
    expect(view.stories['A']).toMatchObject({ state: 'working', costUsd: 0.25, tokens: 1500 });
    expect(stateText({ merging: { rebasing: 'waiting' } })).toBe('merging.rebasing.waiting');
    expect(stateText({ slots: 'open', schedule: 'paused' })).toBe('slots.open,schedule.paused');
  });

  it("lists the Critic's verdicts of every round in the story's detail, and says them in the event pane as the Critic", () => {
    let view = fold([
      ...EVENTS.slice(0, 4),
      {
        type: 'story.verdict',
        storyId: 'A',
        round: 1,
        verdict: 'fail',
        reasons: ['no test for refill'],
        unmetCriteria: ['unit tests cover refill'],
      },
      { type: 'story.verdict', storyId: 'A', round: 2, verdict: 'pass', reasons: ['criteria met'], unmetCriteria: [] },
    ]);
    expect(view.stories['A']?.verdicts).toEqual([
      'round 1: fail — no test for refill (unmet: unit tests cover refill)',
      'round 2: pass — criteria met',
    ]);
    expect(view.events.at(-1)?.source).toBe('Critic');
    view = applyKey(view, 'enter');
    const detail = layout(view, { width: 240, height: 40 }, T0).detail.lines;
    expect(detail).toEqual(
      expect.arrayContaining([
        'verdict round 1: fail — no test for refill (unmet: unit tests cover refill)',
        'verdict round 2: pass — criteria met',
      ]),
    );
  });

  it('maps arrows and j/k to the selection, enter to the detail, q and Ctrl-C to a stop, and ignores other keys', () => {
    const keys = ['up', 'k', 'down', 'j', 'enter', 'q', 'C-c', 'x', 'S-q'].map((full) => runKey({ full }));
    expect(keys).toEqual(['up', 'up', 'down', 'down', 'enter', 'stop', 'stop', undefined, undefined]);
  });

  it('moves the selection within the stories, toggles the detail and records a stop', () => {
    let view = fold(EVENTS.slice(0, 3));
    view = applyKey(applyKey(applyKey(applyKey(view, 'down'), 'down'), 'down'), 'up');
    expect(view.selected).toBe(1);
    expect(applyKey(applyKey(view, 'up'), 'up').selected).toBe(0);
    expect(applyKey(view, 'enter').detail).toBe(true);
    expect(applyKey(view, 'stop').stopping).toBe(true);
  });
});

describe('the layout', () => {
  const view = applyKey(fold(EVENTS), 'down');
  const now = T0 + 30_000;

  it('shows the header with progress, cost and the quota countdown, and every story by level', () => {
    const frame = layout(view, { width: 140, height: 40 }, now);
    expect(frame.header.lines.join('\n')).toContain('1/3 merged');
    expect(frame.header.lines.join('\n')).toContain('quota paused until 06:01:30 (in 1m00s)');
    expect(frame.stories.lines).toEqual(expect.arrayContaining(['Level 1', 'Level 2']));
    expect(frame.stories.lines.find((l) => l.includes(' B '))?.startsWith('>')).toBe(true);
    expect(frame.detail.lines[0]).toContain('B: merged');
    expect(text(frame)).toContain('C');
  });

  it('sums the cost and tokens of every story into the header, and counts down a quota hold', () => {
    const spent = applySnapshot(applySnapshot(view, { storyId: 'A', state: 'working', costUsd: 0.25, tokens: 1500 }), {
      storyId: 'B',
      state: 'done',
      costUsd: 0.5,
      tokens: 700,
    });
    const header = layout(spent, { width: 160, height: 40 }, now).header.lines.join('\n');
    expect(header).toContain('Add rate limiting  ·  baro/rate');
    expect(header).toContain('0m30s');
    expect(header).toContain('$0.75');
    expect(header).toContain('2.2k tokens');
    const held = applyEvent(
      applyEvent(emptyView, { type: 'quota.held', storyId: 'A', utilization: 0.9, until: now + 125_000 }, now),
      { type: 'plan.ready', stories: 1, levels: [['A']], plan: { goal: 'g', stories: [] } },
      now,
    );
    expect(layout(held, { width: 160, height: 40 }, now).header.lines[1]).toContain(
      'quota low: new stories wait until 06:02:35 (in 2m05s)',
    );
    const released = applyEvent(held, { type: 'quota.released', until: now + 125_000 }, now);
    expect(layout(released, { width: 160, height: 40 }, now).header.lines[1]).toContain('quota ok');
  });

  it('fits every pane inside the terminal after a resize, wide to narrow and back', () => {
    for (const size of [
      { width: 160, height: 50 },
      { width: 60, height: 20 },
      { width: 20, height: 5 },
      { width: 160, height: 50 },
    ]) {
      const frame = layout(view, size, now);
      const width = Math.max(40, size.width);
      const height = Math.max(14, size.height);
      for (const pane of [frame.header, frame.stories, frame.detail, frame.events]) {
        expect(pane.left + pane.width).toBeLessThanOrEqual(width);
        expect(pane.top + pane.height).toBeLessThanOrEqual(height - 1);
        expect(pane.lines.length).toBeLessThanOrEqual(Math.max(0, pane.height - 2));
        for (const line of pane.lines) expect(line.length).toBeLessThanOrEqual(pane.width - 2);
      }
      expect(frame.footer.length).toBeLessThanOrEqual(width);
    }
    expect(layout(view, { width: 60, height: 20 }, now).stories.width).toBe(60);
    expect(layout(view, { width: 160, height: 50 }, now).stories.width).toBeLessThan(160);
  });

  it('keeps the selected story in view when the list is taller than its pane', () => {
    const many = Array.from({ length: 30 }, (_, i) => `S${i}`);
    let tall = applyEvent(
      emptyView,
      { type: 'plan.ready', stories: 30, levels: [many], plan: { goal: 'g', stories: [] } },
      T0,
    );
    for (let i = 0; i < 25; i += 1) tall = applyKey(tall, 'down');
    const frame = layout(tall, { width: 60, height: 20 }, now);
    expect(frame.stories.lines.some((l) => l.startsWith('>') && l.includes('S25'))).toBe(true);
  });

  it('says in the footer how to stop, then that the run is stopping', () => {
    expect(layout(view, { width: 100, height: 30 }, now).footer).toContain('q stop');
    expect(layout(applyKey(view, 'stop'), { width: 100, height: 30 }, now).footer).toContain('stopping');
  });
});
