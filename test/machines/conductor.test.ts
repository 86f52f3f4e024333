import { describe, expect, it } from 'vitest';
import { QUOTA_MARGIN_MS } from '../../machines/story-policy.js';
import type { PlanChange } from '../../machines/replan.js';
import type { StoryDef } from '../../machines/types.js';
import { NOW, outcomes, sessionEvent, startRun, story } from './harness.js';
import type { Harness } from './harness.js';

// A → (B, C, D) → E, where E needs B and C only: levels [A] [B C D] [E].
const plan: StoryDef[] = [story('A'), story('B', ['A']), story('C', ['A']), story('D', ['A']), story('E', ['B', 'C'])];
const independent = (n: number) => Array.from({ length: n }, (_, i) => story(`S${i + 1}`));

/** Ends every open turn successfully, one at a time, until the run finishes; checks the slot limit each round. */
async function drainHeld(h: Harness, parallel: number): Promise<void> {
  await h.settle();
  while (h.agents.alive().length > 0) {
    expect(h.agents.alive().length).toBeLessThanOrEqual(parallel);
    h.agents.alive()[0]?.exit(outcomes.ok);
    await h.settle();
  }
}

describe('conductor: levels and slots', () => {
  it('starts no story before every dependency merged, level by level', async () => {
    const h = startRun({ stories: plan, parallel: 2 });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'merged', C: 'merged', D: 'merged', E: 'merged' });
    for (const s of plan) {
      const started = h.agents.of(s.id)[0]?.seq ?? 0;
      for (const dep of s.dependsOn) expect(h.seqOf('story.merged', dep)).toBeLessThan(started);
    }
    expect(h.emitted('level.started').map((e) => e.stories)).toEqual([['A'], ['B', 'C', 'D'], ['E']]);
    expect(h.emitted('level.completed').map((e) => e.merged)).toEqual([['A'], ['B', 'C', 'D'], ['E']]);
  });

  it('never has more than `parallel` agents alive, and refills a slot as soon as one frees', async () => {
    const h = startRun({
      stories: independent(5),
      parallel: 2,
      agent: (input) => ({ events: [sessionEvent(input.storyId)], hold: true }),
    });
    await h.settle();
    expect(h.agents.alive().map((t) => t.storyId)).toEqual(['S1', 'S2']);

    h.agents.current('S1').exit(outcomes.ok);
    await h.settle();
    expect(h.agents.alive().map((t) => t.storyId)).toEqual(['S2', 'S3']);

    await drainHeld(h, 2);
    const output = await h.done();
    expect(h.agents.maxAlive()).toBe(2);
    expect(Object.values(output.outcome?.status ?? {})).toEqual(['merged', 'merged', 'merged', 'merged', 'merged']);
  });

  it('frees a slot when an agent finishes, before its merge, and makes a story wait for a slot to resolve a conflict', async () => {
    const h = startRun({
      stories: independent(3),
      parallel: 2,
      agent: (input) => ({ events: [sessionEvent(input.storyId)], hold: true }),
      holdGit: (op) => op.kind === 'story.merge' && op.storyId === 'S1',
    });
    await h.settle();
    h.agents.current('S1').exit(outcomes.ok);
    await h.settle();
    // S1 waits for its merge without an agent: S3 has its slot already.
    expect(h.agents.alive().map((t) => t.storyId)).toEqual(['S2', 'S3']);

    h.git.held().answer({ kind: 'conflict', files: ['src/a.ts'], onto: 'abc' });
    await h.settle();
    expect(h.story('S1').value).toBe('awaitingSlot');
    expect(h.agents.alive().map((t) => t.storyId)).toEqual(['S2', 'S3']);

    h.agents.current('S2').exit(outcomes.ok);
    await h.settle();
    expect(h.agents.alive().map((t) => [t.storyId, t.input.purpose])).toEqual([
      ['S3', 'story'],
      ['S1', 'resolve'],
    ]);
    await drainHeld(h, 2);
    const output = await h.done();
    expect(h.agents.maxAlive()).toBe(2);
    expect(output.outcome?.status).toEqual({ S1: 'merged', S2: 'merged', S3: 'merged' });
  });

  it('keeps to the slot limit across levels, and starts the next level only when this one settled', async () => {
    const h = startRun({
      stories: [...independent(4), story('T', ['S1', 'S2', 'S3', 'S4'])],
      parallel: 3,
      agent: () => ({ hold: true }),
    });
    await drainHeld(h, 3);
    await h.done();

    expect(h.agents.maxAlive()).toBe(3);
    expect(h.agents.turns.map((t) => t.storyId)).toEqual(['S1', 'S2', 'S3', 'S4', 'T']);
  });
});

describe('conductor: failures', () => {
  it('blocks every story that depends on a failed one, and still runs the others', async () => {
    const h = startRun({
      stories: plan,
      parallel: 2,
      agent: (input) => ({ outcome: input.storyId === 'B' ? outcomes.error : outcomes.ok }),
    });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'failed', C: 'merged', D: 'merged', E: 'blocked' });
    expect(h.emitted('story.blocked')).toEqual([{ type: 'story.blocked', storyId: 'E', by: ['B'] }]);
    expect(h.agents.of('E')).toEqual([]);
    expect(h.emitted('level.completed').at(-1)).toMatchObject({ level: 2, merged: [], failed: [], blocked: ['E'] });
  });

  it('blocks the whole graph behind a failed root, transitively', async () => {
    const h = startRun({
      stories: plan,
      parallel: 2,
      agent: (input) => ({ outcome: input.storyId === 'A' ? outcomes.error : outcomes.ok }),
    });
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'failed', B: 'blocked', C: 'blocked', D: 'blocked', E: 'blocked' });
    expect(h.agents.turns.map((t) => t.storyId)).toEqual(['A']);
    expect(h.emitted('story.blocked').map((e) => [e.storyId, e.by])).toEqual([
      ['B', ['A']],
      ['C', ['A']],
      ['D', ['A']],
      ['E', ['B', 'C']],
    ]);
  });

  it('survives a story actor that crashes: the story fails, its dependents are blocked, the rest merge', async () => {
    const stories = [story('A'), story('B'), story('C', ['A']), story('D', ['B'])];
    const h = startRun({
      stories,
      parallel: 2,
      agent: (input) => (input.storyId === 'A' ? { crash: 'agent adapter exploded' } : { outcome: outcomes.ok }),
    });
    const output = await h.done();

    expect(output.error).toBeUndefined();
    expect(output.outcome?.status).toEqual({ A: 'failed', B: 'merged', C: 'blocked', D: 'merged' });
    expect(h.emitted('story.failed')).toEqual([
      { type: 'story.failed', storyId: 'A', reason: 'story actor crashed: agent adapter exploded' },
    ]);
    expect(h.emitted('story.blocked')).toEqual([{ type: 'story.blocked', storyId: 'C', by: ['A'] }]);
  });

  it('keeps the work of a crashed story at cleanup, like that of any failed story', async () => {
    const h = startRun({
      stories: [story('A'), story('B')],
      agent: (input) => (input.storyId === 'A' ? { crash: 'agent adapter exploded' } : { outcome: outcomes.ok }),
    });
    await h.done();

    const cleanup = h.git.calls.find((call) => call.op.kind === 'cleanup');
    expect(cleanup?.op).toEqual({
      kind: 'cleanup',
      merged: ['B'],
      failed: [{ storyId: 'A', reason: 'story actor crashed: agent adapter exploded' }],
    });
  });

  it('does not warn a later story about a file only a crashed story touched', async () => {
    const touch = { type: 'agent.touch', paths: ['src/shared.ts'] } as const;
    const h = startRun({
      stories: [story('A'), story('B')],
      parallel: 1,
      holdSleep: true,
      agent: (input) => ({ events: [touch], outcome: input.storyId === 'A' ? outcomes.transient : outcomes.ok }),
    });
    await h.settle();
    h.sleeps.pending()[0]?.fail(new Error('the clock broke'));
    const output = await h.done();

    expect(output.outcome?.status).toEqual({ A: 'failed', B: 'merged' });
    expect(h.emitted('collision.warning')).toEqual([]);
  });
});

describe('conductor: merged branches', () => {
  const deletions = (h: Harness) =>
    h.git.calls.flatMap(({ op }) => (op.kind === 'branches.delete' ? [op.storyIds] : []));

  it("has a level's merged branches deleted as the next level starts; the Publisher deletes the rest at the end", async () => {
    const h = startRun({
      stories: plan,
      parallel: 2,
      agent: (input) => ({ outcome: input.storyId === 'B' ? outcomes.error : outcomes.ok }),
    });
    await h.done();

    // Level 2 holds only E, blocked by B: nothing of it merged, and the Publisher's request covers every merge.
    expect(deletions(h)).toEqual([['A'], ['C', 'D'], ['A', 'C', 'D']]);
  });

  it('keeps every branch until the end when the run pushes, and for good with --keep-branches', async () => {
    const pushed = startRun({ stories: plan, publish: { remote: 'origin', skipPr: undefined, keepBranches: false } });
    await pushed.done();
    expect(deletions(pushed)).toEqual([['A', 'B', 'C', 'D', 'E']]);

    const kept = startRun({ stories: plan, publish: { remote: undefined, skipPr: 'kept local', keepBranches: true } });
    await kept.done();
    expect(deletions(kept)).toEqual([]);
  });
});

describe('conductor: usage-limit pause', () => {
  const resetsAt = NOW / 1000 + 600;
  const until = resetsAt * 1000 + QUOTA_MARGIN_MS;
  const limitFirstTurnOfS1 = { stories: independent(3), parallel: 2, holdSleep: true } as const;

  it('starts no new story while one waits for the quota, and refills after it resumes', async () => {
    const h = startRun({
      ...limitFirstTurnOfS1,
      // S2's agent starts once S1 waits: with both agents at work first, S3 would be readied ahead (another test's).
      holdGit: (op) => op.kind === 'story.worktree' && op.storyId === 'S2',
      agent: (input, n) =>
        input.storyId === 'S1' && n === 1
          ? { events: [sessionEvent('S1')], outcome: outcomes.usageLimit(resetsAt) }
          : { events: [sessionEvent(input.storyId)], hold: true },
    });
    await h.settle();
    expect(h.story('S1').value).toBe('waitingForQuota');
    expect(h.conductor().context.paused).toEqual({ S1: until });
    h.git.held().answer({ kind: 'worktree', path: '/wt/S2' });
    await h.settle();

    h.agents.current('S2').exit(outcomes.ok);
    await h.settle();
    expect(h.conductor().context.status).toMatchObject({ S1: 'running', S2: 'merged', S3: 'pending' });
    expect(h.spawned('S3')).toBe(false);
    expect(h.agents.alive()).toEqual([]);

    h.sleeps.pending()[0]?.wake();
    await h.settle();
    expect(h.conductor().context.paused).toEqual({});
    const alive = h.agents.alive().map((t) => [t.storyId, t.input.purpose, t.input.sessionId]);
    expect(alive.sort()).toEqual([
      ['S1', 'retry', 'sess-S1'],
      ['S3', 'story', undefined],
    ]);
    await drainHeld(h, 2);
    expect((await h.done()).outcome?.status).toEqual({ S1: 'merged', S2: 'merged', S3: 'merged' });
  });

  it('lifts the pause when the paused story crashes, so the run does not stall', async () => {
    const h = startRun({
      ...limitFirstTurnOfS1,
      agent: (input, n) =>
        input.storyId === 'S1' && n === 1 ? { outcome: outcomes.usageLimit(resetsAt) } : { outcome: outcomes.ok },
    });
    await h.settle();
    expect(h.conductor().context.paused).toEqual({ S1: until });

    h.sleeps.pending()[0]?.fail(new Error('the clock broke'));
    await h.settle();
    expect(h.conductor().context.paused).toEqual({});
    expect(h.conductor().context.status).toEqual({ S1: 'failed', S2: 'merged', S3: 'merged' });
  });
});

describe('conductor: replan', () => {
  const replanWith = (h: Harness, change: PlanChange<StoryDef>) =>
    h.actor.system.get('conductor').send({ type: 'conductor.replan', change });

  it('runs stories a replan adds in the next level, and warns about their shared writes as it starts', async () => {
    const h = startRun({
      stories: [story('A'), story('B')],
      agent: (input) => (input.storyId === 'A' ? { hold: true } : { outcome: outcomes.ok }),
    });
    await h.settle();
    replanWith(h, {
      stories: [story('C', ['A'], { writes: ['src/x.ts'] }), story('D', [], { writes: ['./src/x.ts'] })],
      drop: [],
    });
    await h.settle();
    expect(h.spawned('D')).toBe(false);
    h.agents.current('A').exit(outcomes.ok);
    const output = await h.done();

    expect(h.emitted('level.started').map((e) => e.stories)).toEqual([
      ['A', 'B'],
      ['C', 'D'],
    ]);
    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'merged', C: 'merged', D: 'merged' });
    expect(output.outcome?.results.C?.status).toBe('merged');
    expect(h.emitted('collision.warning')).toEqual([
      { type: 'collision.warning', path: 'src/x.ts', stories: ['C', 'D'], source: 'plan' },
    ]);
    const levelOneStarted = h.log.find(({ event }) => event.type === 'level.started' && event.level === 1)?.seq ?? 0;
    expect(h.agents.of('C')[0]?.seq).toBeGreaterThan(levelOneStarted);
  });

  it('retries a failed story of an earlier level that the replan redefines, and reopens its blocked dependent', async () => {
    const h = startRun({
      stories: [story('A'), story('X'), story('Y', ['X']), story('B', ['A', 'Y'])],
      agent: (input, n) => {
        if (input.storyId === 'Y') return { hold: true };
        return { outcome: input.storyId === 'A' && n === 1 ? outcomes.error : outcomes.ok };
      },
    });
    await h.settle();
    expect(h.conductor().context.status).toEqual({ A: 'failed', X: 'merged', Y: 'running', B: 'blocked' });
    replanWith(h, { stories: [story('A', [], { description: 'Do A, carefully' })], drop: [] });
    await h.settle();
    expect(h.conductor().context.status).toEqual({ A: 'pending', X: 'merged', Y: 'running', B: 'pending' });
    h.agents.current('Y').exit(outcomes.ok);
    const output = await h.done();

    expect(h.emitted('level.started').map((e) => e.stories)).toEqual([['A', 'X'], ['Y'], ['A'], ['B']]);
    expect(output.outcome?.status).toEqual({ A: 'merged', X: 'merged', Y: 'merged', B: 'merged' });
    expect(h.agents.of('A').map((turn) => turn.input.story.description)).toEqual(['Do A', 'Do A, carefully']);
    expect(h.emitted('story.blocked')).toEqual([{ type: 'story.blocked', storyId: 'B', by: ['A'] }]);
  });

  it('ignores a replan that would change a story of the running level', async () => {
    const h = startRun({ stories: [story('A'), story('B', ['A'])], agent: () => ({ hold: true }) });
    await h.settle();
    replanWith(h, { stories: [], drop: ['A'] });
    replanWith(h, { stories: [story('C', ['nope'])], drop: [] });
    await h.settle();
    expect(h.conductor().context.stories.map((s) => s.id)).toEqual(['A', 'B']);
    h.agents.current('A').exit(outcomes.ok);
    await drainHeld(h, 2);
    expect((await h.done()).outcome?.status).toEqual({ A: 'merged', B: 'merged' });
  });
});

describe('conductor: a quota warning over the threshold', () => {
  const resetsAt = NOW / 1000 + 600;
  const limits = { transientRetries: 2, conflictRounds: 2, reviewRounds: 2, pauseAtUtilization: 0.95 };
  const warnFirst = (utilization: number) => ({
    stories: independent(3),
    parallel: 2,
    limits,
    holdSleep: true,
    agent: (input: { storyId: string }) => ({
      events: [
        sessionEvent(input.storyId),
        ...(input.storyId === 'S1' ? [{ type: 'agent.quota.warning' as const, utilization, resetsAt }] : []),
      ],
      hold: true as const,
    }),
  });

  it('starts no new story until its reset; the stories already running finish', async () => {
    // S2's agent starts once S1's warning holds new starts: with both agents at work first, S3 would be readied ahead.
    const h = startRun({ ...warnFirst(0.97), holdGit: (op) => op.kind === 'story.worktree' && op.storyId === 'S2' });
    await h.settle();
    const until = resetsAt * 1000 + QUOTA_MARGIN_MS;
    expect(h.conductor().value).toEqual({ running: 'held' });
    h.git.held().answer({ kind: 'worktree', path: '/wt/S2' });
    await h.settle();
    expect(h.emitted('quota.held')).toEqual([{ type: 'quota.held', storyId: 'S1', utilization: 0.97, until }]);
    expect(h.sleeps.pending().map((s) => s.until)).toEqual([until]);

    h.agents.current('S1').exit(outcomes.ok);
    h.agents.current('S2').exit(outcomes.ok);
    await h.settle();
    expect(h.conductor().context.status).toEqual({ S1: 'merged', S2: 'merged', S3: 'pending' });
    expect(h.agents.of('S3')).toEqual([]);

    h.sleeps.pending()[0]?.wake();
    await h.settle();
    expect(h.emitted('quota.released')).toEqual([{ type: 'quota.released', until }]);
    h.agents.current('S3').exit(outcomes.ok);
    const output = await h.done();
    expect(output.outcome?.status).toEqual({ S1: 'merged', S2: 'merged', S3: 'merged' });
  });

  it('holds through a crash: restored, it still waits for the same reset', async () => {
    const h = startRun(warnFirst(0.97));
    await h.settle();
    h.crash();
    await h.settle();
    expect(h.conductor().value).toEqual({ running: 'held' });
    expect(h.sleeps.pending().map((s) => s.until)).toEqual([resetsAt * 1000 + QUOTA_MARGIN_MS]);
  });

  it('does not hold for a warning under the threshold', async () => {
    const h = startRun(warnFirst(0.8));
    await h.settle();
    expect(h.conductor().value).toEqual({ running: 'open' });
    expect(h.emitted('quota.held')).toEqual([]);
  });
});
