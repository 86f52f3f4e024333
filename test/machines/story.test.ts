import { describe, expect, it } from 'vitest';
import type { ToolObservation } from '../../machines/knowledge.js';
import { QUOTA_MARGIN_MS, QUOTA_PROBE_MS, retryDelayMs } from '../../machines/story-policy.js';
import type { StoryEvent } from '../../machines/story-events.js';
import { NOW, outcomes, sessionEvent, startRun, story } from './harness.js';

const conflict = { kind: 'conflict', files: ['src/a.ts'], onto: 'abc123' } as const;
const unresolved = { kind: 'unresolved', files: ['src/a.ts'], onto: 'abc123' } as const;

function storyOps(h: ReturnType<typeof startRun>, id: string): string[] {
  return h.git.calls.filter((call) => 'storyId' in call.op && call.op.storyId === id).map((call) => call.op.kind);
}

describe('story: the happy path', () => {
  it('prepares, briefs, works, commits and merges', async () => {
    const h = startRun({ stories: [story('S1')] });
    const output = await h.done();

    expect(storyOps(h, 'S1')).toEqual(['story.worktree', 'story.commit', 'story.merge']);
    const [turn] = h.agents.turns;
    expect(h.agents.turns).toHaveLength(1);
    expect(turn?.input).toMatchObject({
      storyId: 'S1',
      purpose: 'story',
      attempt: 1,
      sessionId: undefined,
      brief: '',
      dependencies: [],
      warnings: [],
    });
    expect(h.log.filter((e) => e.source === 'S1').map((e) => e.event.type)).toEqual([
      'story.started',
      'story.committed',
      'story.merged',
    ]);
    expect(output.outcome?.status).toEqual({ S1: 'merged' });
    expect(output.outcome?.results.S1).toMatchObject({
      status: 'merged',
      attempts: 1,
      sha: 'm-S1',
      files: ['S1.txt'],
      sessionId: 'sess-S1',
      costUsd: 0.01,
    });
    expect(h.story('S1').value).toBe('done');
  });

  it('counts a turn whose tools were denied as done, and reports each denial', async () => {
    const h = startRun({
      stories: [story('S1')],
      agent: () => ({
        events: [
          { type: 'agent.denied', tool: 'Bash', message: 'npm publish is not allowed', rule: 'Bash(npm publish)' },
          { type: 'agent.denied', tool: 'Bash', message: 'npm publish is not allowed', rule: 'Bash(npm publish)' },
        ],
        outcome: { kind: 'denied', denials: [{ tool: 'Bash' }] },
      }),
    });
    const output = await h.done();

    expect(output.outcome?.results.S1).toMatchObject({ status: 'merged', denials: ['Bash(npm publish)'] });
    expect(h.emitted('story.denied')).toEqual([
      {
        type: 'story.denied',
        storyId: 'S1',
        tool: 'Bash',
        message: 'npm publish is not allowed',
        rule: 'Bash(npm publish)',
      },
      {
        type: 'story.denied',
        storyId: 'S1',
        tool: 'Bash',
        message: 'npm publish is not allowed',
        rule: 'Bash(npm publish)',
      },
    ]);
  });
});

describe('story: transient failures', () => {
  it('backs off until a deadline and resumes the same session', async () => {
    const h = startRun({
      stories: [story('S1')],
      agent: (_input, n) =>
        n === 1 ? { events: [sessionEvent('S1')], outcome: outcomes.transient } : { outcome: outcomes.ok },
    });
    const output = await h.done();

    const [, retry] = h.agents.of('S1');
    expect(retry?.input).toMatchObject({
      purpose: 'retry',
      sessionId: 'sess-S1',
      attempt: 2,
      reason: 'transient: Overloaded',
    });
    expect(h.sleeps.sleeps.map((s) => s.until)).toEqual([NOW + retryDelayMs(0)]);
    expect(h.emitted('story.retry')).toEqual([
      { type: 'story.retry', storyId: 'S1', reason: 'transient: Overloaded', at: NOW + retryDelayMs(0) },
    ]);
    expect(output.outcome?.results.S1).toMatchObject({
      status: 'merged',
      attempts: 2,
      sessionId: 'sess-S1',
      agentMs: 2000,
    });
  });

  it('starts a fresh session when the failed turn never said which session it was', async () => {
    const h = startRun({
      stories: [story('S1')],
      agent: (_input, n) => ({ outcome: n === 1 ? { kind: 'killed', signal: 'SIGKILL' } : outcomes.ok }),
    });
    await h.done();

    expect(h.agents.of('S1')[1]?.input).toMatchObject({
      purpose: 'story',
      sessionId: undefined,
      reason: 'agent process ended without a result (SIGKILL)',
    });
  });

  it('fails after limits.transientRetries retries, each backing off longer', async () => {
    const h = startRun({
      stories: [story('S1')],
      limits: { transientRetries: 2, conflictRounds: 2, reviewRounds: 2 },
      agent: () => ({ outcome: outcomes.transient }),
    });
    const output = await h.done();

    expect(h.agents.of('S1')).toHaveLength(3);
    expect(h.sleeps.sleeps.map((s) => s.until)).toEqual([NOW + retryDelayMs(0), NOW + retryDelayMs(1)]);
    expect(storyOps(h, 'S1')).toEqual(['story.worktree']);
    expect(output.outcome?.results.S1).toMatchObject({
      status: 'failed',
      attempts: 3,
      reason: 'transient: Overloaded',
    });
    expect(h.story('S1').value).toBe('failed');
  });

  it('fails at once on an error that a retry cannot fix', async () => {
    const h = startRun({ stories: [story('S1')], agent: () => ({ outcome: outcomes.error }) });
    const output = await h.done();

    expect(h.agents.turns).toHaveLength(1);
    expect(h.sleeps.sleeps).toEqual([]);
    expect(output.outcome?.results.S1).toMatchObject({ status: 'failed', reason: 'error: the agent gave up' });
  });
});

describe('story: usage limits', () => {
  it('waits until resetsAt plus the margin, tells the conductor, then resumes the same session', async () => {
    const resetsAt = NOW / 1000 + 3600;
    const h = startRun({
      stories: [story('S1')],
      holdSleep: true,
      agent: (_input, n) =>
        n === 1 ? { events: [sessionEvent('S1')], outcome: outcomes.usageLimit(resetsAt) } : { outcome: outcomes.ok },
    });
    await h.settle();

    const until = resetsAt * 1000 + QUOTA_MARGIN_MS;
    expect(h.story('S1').value).toBe('waitingForQuota');
    expect(h.sleeps.pending().map((s) => s.until)).toEqual([until]);
    expect(h.conductor().context.paused).toEqual({ S1: until });
    expect(h.emitted('quota.paused')).toEqual([{ type: 'quota.paused', storyId: 'S1', until }]);

    h.sleeps.pending()[0]?.wake();
    const output = await h.done();
    expect(h.emitted('quota.resumed')).toEqual([{ type: 'quota.resumed', storyId: 'S1' }]);
    expect(h.agents.of('S1')[1]?.input).toMatchObject({ purpose: 'retry', sessionId: 'sess-S1' });
    expect(output.outcome?.status).toEqual({ S1: 'merged' });
  });

  it('waits the configured margin past the reset (quota.marginSeconds)', async () => {
    const resetsAt = NOW / 1000 + 3600;
    const h = startRun({
      stories: [story('S1')],
      limits: { transientRetries: 2, conflictRounds: 2, reviewRounds: 2, quotaMarginMs: 5000 },
      holdSleep: true,
      agent: (_input, n) => (n === 1 ? { outcome: outcomes.usageLimit(resetsAt) } : { outcome: outcomes.ok }),
    });
    await h.settle();

    expect(h.sleeps.pending().map((s) => s.until)).toEqual([resetsAt * 1000 + 5000]);
  });

  it('probes again after QUOTA_PROBE_MS when the limit gave no reset time', async () => {
    const h = startRun({
      stories: [story('S1')],
      agent: (_input, n) => ({ outcome: n === 1 ? { kind: 'usage_limit', text: 'limit' } : outcomes.ok }),
    });
    await h.done();

    expect(h.sleeps.sleeps.map((s) => s.until)).toEqual([NOW + QUOTA_PROBE_MS]);
  });
});

describe('story: commits and merges', () => {
  it('fails when the agent produced no commits', async () => {
    const h = startRun({ stories: [story('S1')] });
    h.git.script('story.commit', 'S1', { kind: 'committed', sha: 'base', files: [] });
    const output = await h.done();

    expect(storyOps(h, 'S1')).toEqual(['story.worktree', 'story.commit']);
    expect(output.outcome?.results.S1).toMatchObject({
      status: 'failed',
      reason: 'the agent finished without changing any file',
    });
  });

  it('fails with the git message when the operator cannot do an op', async () => {
    const h = startRun({ stories: [story('S1')] });
    h.git.script('story.worktree', 'S1', new Error('worktree path already exists'));
    const output = await h.done();

    expect(h.agents.turns).toEqual([]);
    expect(output.outcome?.results.S1).toMatchObject({ status: 'failed', reason: 'git: worktree path already exists' });
  });

  it('hands a conflict to the same session, continues the rebase and merges', async () => {
    const h = startRun({ stories: [story('S1')] });
    h.git.script('story.merge', 'S1', conflict);
    const output = await h.done();

    expect(storyOps(h, 'S1')).toEqual(['story.worktree', 'story.commit', 'story.merge', 'story.continue']);
    expect(h.agents.of('S1')[1]?.input).toMatchObject({
      purpose: 'resolve',
      sessionId: 'sess-S1',
      conflict: { files: ['src/a.ts'], onto: 'abc123' },
    });
    expect(h.emitted('story.conflict')).toEqual([
      { type: 'story.conflict', storyId: 'S1', files: ['src/a.ts'], round: 1 },
    ]);
    // The conflict is told before the turn that resolves it starts.
    const order = h.log.flatMap(({ event }) =>
      event.type === 'story.conflict' || event.type === 'story.started' ? [event.type] : [],
    );
    expect(order).toEqual(['story.started', 'story.conflict', 'story.started']);
    expect(output.outcome?.results.S1).toMatchObject({ status: 'merged', sha: 'm-S1', attempts: 2 });
  });

  it('fails when the conflict is still unresolved after limits.conflictRounds rounds', async () => {
    const h = startRun({ stories: [story('S1')], limits: { transientRetries: 2, conflictRounds: 2, reviewRounds: 2 } });
    h.git.script('story.merge', 'S1', conflict);
    h.git.script('story.continue', 'S1', unresolved, conflict);
    const output = await h.done();

    expect(h.agents.of('S1').map((t) => t.input.purpose)).toEqual(['story', 'resolve', 'resolve']);
    expect(storyOps(h, 'S1')).toEqual([
      'story.worktree',
      'story.commit',
      'story.merge',
      'story.continue',
      'story.continue',
    ]);
    expect(output.outcome?.results.S1).toMatchObject({
      status: 'failed',
      reason: 'merge conflict not resolved after the allowed rounds: src/a.ts',
    });
  });

  it('fails when the resolver turn itself fails', async () => {
    const h = startRun({
      stories: [story('S1')],
      agent: (input) => ({
        events: [sessionEvent('S1')],
        outcome: input.purpose === 'resolve' ? outcomes.error : outcomes.ok,
      }),
    });
    h.git.script('story.merge', 'S1', conflict);
    const output = await h.done();

    expect(output.outcome?.results.S1).toMatchObject({ status: 'failed', reason: 'error: the agent gave up' });
  });

  it('backs off and retries a resolver turn that hit a transient API error, then continues the rebase', async () => {
    const h = startRun({
      stories: [story('S1')],
      agent: (input, n) => ({
        events: [sessionEvent('S1')],
        outcome: input.purpose === 'resolve' && n === 2 ? outcomes.transient : outcomes.ok,
      }),
    });
    h.git.script('story.merge', 'S1', conflict);
    const output = await h.done();

    expect(h.agents.of('S1')[2]?.input).toMatchObject({
      purpose: 'resolve',
      sessionId: 'sess-S1',
      conflict: { files: ['src/a.ts'], onto: 'abc123' },
    });
    expect(storyOps(h, 'S1')).toEqual(['story.worktree', 'story.commit', 'story.merge', 'story.continue']);
    expect(output.outcome?.results.S1).toMatchObject({ status: 'merged' });
  });
});

describe('story: the shared services', () => {
  it('hears the Sentry at once, inside its running turn, when another story edits the same file', async () => {
    const touch: StoryEvent = { type: 'agent.touch', paths: ['src/shared.ts'] };
    const h = startRun({
      stories: [story('S1'), story('S2')],
      parallel: 2,
      agent: (input, n) =>
        n === 1 ? { events: [sessionEvent(input.storyId), touch], hold: true } : { outcome: outcomes.ok },
    });
    await h.settle();

    const warning = { path: 'src/shared.ts', stories: ['S1', 'S2'] };
    expect(h.emitted('collision.warning')).toEqual([{ type: 'collision.warning', ...warning, source: 'edit' }]);
    expect(h.agents.current('S1').told.map((m) => m.text)).toEqual([expect.stringContaining('S2 is editing')]);
    expect(h.agents.current('S2').told.map((m) => m.text)).toEqual([expect.stringContaining('S1 is editing')]);

    h.git.script('story.merge', 'S2', conflict);
    h.agents.current('S1').exit(outcomes.transient);
    h.agents.current('S2').exit(outcomes.ok);
    await h.done();

    // Said live once: the later turns do not repeat it.
    expect(h.agents.of('S1')[1]?.input).toMatchObject({ purpose: 'retry', notices: [] });
    expect(h.agents.of('S2')[1]?.input).toMatchObject({ purpose: 'resolve', notices: [] });
  });

  it('gets a brief with what another story observed, and the merged dependencies', async () => {
    const observation: ToolObservation = {
      storyId: 'S1',
      root: '/wt/S1',
      kind: 'read',
      name: 'Read',
      paths: ['/wt/S1/src/util.ts'],
      ok: true,
      text: 'export function helper(): number {\n  return 1;\n}\n',
    };
    const h = startRun({
      stories: [story('S1'), story('S2', ['S1'])],
      agent: (input) => ({
        events: input.storyId === 'S1' ? [{ type: 'agent.tool', observation }] : [],
        outcome: outcomes.ok,
      }),
    });
    await h.done();

    const [s1] = h.agents.of('S1');
    const [s2] = h.agents.of('S2');
    expect(s1?.input.brief).toBe('');
    expect(s2?.input.brief).toContain('src/util.ts');
    expect(s2?.input.brief).toContain('helper');
    expect(s2?.input.dependencies).toEqual([{ id: 'S1', title: 'Story S1', files: ['S1.txt'] }]);
    expect(h.emitted('knowledge.added').map((e) => e.storyId)).toEqual(['S1']);
    expect(h.emitted('story.tool')).toEqual([
      {
        type: 'story.tool',
        storyId: 'S1',
        kind: 'read',
        name: 'Read',
        paths: ['/wt/S1/src/util.ts'],
        command: undefined,
        ok: true,
      },
    ]);
  });
});
