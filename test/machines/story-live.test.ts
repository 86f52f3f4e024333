import { describe, expect, it } from 'vitest';
import type { ToolObservation } from '../../machines/knowledge.js';
import type { LiveMessage } from '../../machines/live.js';
import type { StoryEvent } from '../../machines/story-events.js';
import { outcomes, sessionEvent, startRun, story } from './harness.js';
import { verdicts } from './review-fakes.js';

const news = (key: string): LiveMessage => ({ from: 'librarian', kind: 'merged', key, text: `news ${key}` });
const tell = (message: LiveMessage): StoryEvent => ({ type: 'story.tell', message });
const read = (storyId: string, path: string): ToolObservation => ({
  storyId,
  root: `/wt/${storyId}`,
  kind: 'read',
  name: 'Read',
  paths: [`/wt/${storyId}/${path}`],
  ok: true,
  text: 'export const x = 1;\n',
});

describe('live messages into a running story', () => {
  it('tells the agent within the budget, once per key, and keeps the rest for the next prompt', async () => {
    const h = startRun({
      stories: [story('S1')],
      limits: { transientRetries: 2, conflictRounds: 2, reviewRounds: 2, liveMessages: 2 },
      agent: (input, n) => (n === 1 ? { events: [sessionEvent(input.storyId)], hold: true } : { outcome: outcomes.ok }),
    });
    await h.settle();
    const ref = h.actor.system.get('story:S1');
    for (const key of ['a', 'a', 'b', 'c', 'b', 'd']) ref?.send(tell(news(key)));
    await h.settle();

    expect(h.agents.current('S1').told.map((m) => m.key)).toEqual(['a', 'b']);
    expect(h.emitted('message.withheld').map((e) => e.kind)).toEqual(['merged', 'merged']);
    expect(h.story('S1').context.withheld.map((m) => m.key)).toEqual(['c', 'd']);

    h.agents.current('S1').exit(outcomes.transient);
    await h.done();
    expect(h.agents.of('S1')[1]?.input.notices).toEqual(['news c', 'news d']);
  });

  it('reports what its session wrote and delivered, and takes back what the session could not deliver', async () => {
    const h = startRun({
      stories: [story('S1')],
      agent: (input, n) => (n === 1 ? { events: [sessionEvent(input.storyId)], hold: true } : { outcome: outcomes.ok }),
    });
    await h.settle();
    const turn = h.agents.current('S1');
    turn.send({ type: 'agent.message.sent', uuid: 'u1', message: news('a') });
    turn.send({ type: 'agent.message.delivered', uuid: 'u1', latencyMs: 42 });
    turn.send({ type: 'agent.message.bounced', message: news('b') });
    turn.exit(outcomes.transient);
    await h.done();

    expect(h.emitted('message.sent')).toEqual([
      { type: 'message.sent', storyId: 'S1', from: 'librarian', kind: 'merged', uuid: 'u1' },
    ]);
    expect(h.emitted('message.delivered')).toEqual([
      { type: 'message.delivered', storyId: 'S1', uuid: 'u1', latencyMs: 42 },
    ]);
    expect(h.agents.of('S1')[1]?.input.notices).toEqual(['news b']);
  });

  it('hears from the Librarian, while working, that a file it read was merged by another story', async () => {
    const h = startRun({
      stories: [story('S1'), story('S2')],
      parallel: 2,
      agent: (input) =>
        input.storyId === 'S1'
          ? { events: [sessionEvent('S1'), { type: 'agent.tool', observation: read('S1', 'S2.txt') }], hold: true }
          : { outcome: outcomes.ok },
    });
    await h.settle();

    const told = h.agents.current('S1').told;
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toMatch(/^baro Librarian: S2 changed `S2.txt`, which you used, and merged it as commit m-S2/);
    expect(h.agents.of('S2')[0]?.told).toEqual([]);
    h.agents.current('S1').exit(outcomes.ok);
    await h.done();
  });

  it.each([
    { turn: 'a retry', purpose: 'retry', conflict: false, exit: outcomes.transient },
    { turn: 'a conflict-resolution turn', purpose: 'resolve', conflict: true, exit: outcomes.ok },
  ])('gives $turn a fresh brief with only what was learned since the first', async ({ purpose, conflict, exit }) => {
    const h = startRun({
      stories: [story('S1')],
      holdGit: (op) => op.kind === 'story.worktree',
      agent: (_input, n) => (n === 1 ? { events: [sessionEvent('S1')], hold: true } : { outcome: outcomes.ok }),
    });
    if (conflict) h.git.script('story.merge', 'S1', { kind: 'conflict', files: ['src/a.ts'], onto: 'abc123' });
    await h.settle();
    const librarian = h.actor.system.get('librarian');
    librarian?.send({ type: 'librarian.observe', observation: read('S2', 'b.ts') });
    h.git.held().answer({ kind: 'ok' });
    await h.settle();
    librarian?.send({ type: 'librarian.observe', observation: read('S2', 'c.ts') });
    h.agents.current('S1').exit(exit);
    await h.done();

    const [first, later] = h.agents.of('S1');
    expect(first?.input.brief).toContain('b.ts');
    expect(later?.input.purpose).toBe(purpose);
    expect(later?.input.brief).toContain('c.ts');
    expect(later?.input.brief).not.toContain('b.ts');
  });

  it('sends a failing verdict back as a next turn: a fresh brief, the news held during the review, then news live', async () => {
    const h = startRun({
      stories: [story('S1')],
      critic: (input) => (input.round === 1 ? undefined : verdicts.pass),
      agent: (_input, n) => (n === 2 ? { events: [sessionEvent('S1')], hold: true } : { outcome: outcomes.ok }),
    });
    await h.settle();
    // The agent's session ended before the review: what is said now waits for the feedback turn.
    const ref = h.actor.system.get('story:S1');
    ref?.send(tell(news('during-review')));
    h.actor.system.get('librarian')?.send({ type: 'librarian.observe', observation: read('S2', 'late.ts') });
    await h.settle();
    h.critics.pending()[0]?.answer(verdicts.fail);
    await h.settle();

    const feedback = h.agents.current('S1');
    expect(feedback.input).toMatchObject({ purpose: 'feedback', notices: ['news during-review'] });
    expect(feedback.input.brief).toContain('late.ts');
    ref?.send(tell(news('during-feedback')));
    await h.settle();
    expect(feedback.told.map((message) => message.key)).toEqual(['during-feedback']);
    feedback.exit(outcomes.ok);
    const output = await h.done();
    expect(output.outcome?.results.S1?.status).toBe('merged');
    expect(h.emitted('message.withheld').map((event) => event.storyId)).toEqual(['S1']);
  });

  it('starts with the overlapping writes of its level in its first prompt', async () => {
    const h = startRun({
      stories: [story('S1', [], { writes: ['src/app.ts'] }), story('S2', [], { writes: ['src/app.ts'] }), story('S3')],
      parallel: 3,
    });
    await h.done();
    const overlap = { path: 'src/app.ts', stories: ['S1', 'S2'] };
    expect(h.agents.of('S1')[0]?.input.warnings).toEqual([overlap]);
    expect(h.agents.of('S2')[0]?.input.warnings).toEqual([overlap]);
    expect(h.agents.of('S3')[0]?.input.warnings).toEqual([]);
  });
});
