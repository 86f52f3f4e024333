// The Run's front half over fakes: mapping → planning → reviewing → preparing → executing, and its early ends.
import { createActor, fromCallback, fromPromise, toPromise } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { describe, expect, it } from 'vitest';
import { cartographerMachine } from '../../machines/cartographer.js';
import type { MapHead } from '../../machines/cartographer.js';
import { conductorMachine } from '../../machines/conductor.js';
import { operatorMachine } from '../../machines/operator.js';
import type { RepoMap } from '../../machines/repo-map.js';
import { RUN_SYSTEM_ID, runMachine } from '../../machines/run.js';
import { storyMachine } from '../../machines/story.js';
import type { AgentSessionInput, AgentTellEvent } from '../../machines/story-events.js';
import type { RunEmitted, RunInput } from '../../machines/run.js';
import type { PlanDef, RunBranch } from '../../machines/types.js';
import { auditorMachine } from '../../machines/auditor.js';
import { criticMachine } from '../../machines/critic.js';
import { createGitFake, NOW } from './harness.js';
import { createAuditFake, createCriticFake } from './review-fakes.js';
import { goodPlan, invalid, plannerFakes, valid } from './planner-fakes.js';
import type { ScriptedTurn } from './planner-fakes.js';

const repoMap: RepoMap = {
  commit: 'abc',
  files: { count: 1, bytes: 10 },
  languages: [],
  manifests: [],
  commands: {},
  checks: [],
  summary: 'the map',
};

const input: RunInput = {
  runId: 'r1',
  goal: 'g',
  repoDir: '/repo',
  plan: undefined,
  autoApprove: false,
  parallel: 2,
  limits: { transientRetries: 1, conflictRounds: 1, reviewRounds: 2 },
  replanBudget: 0,
  planning: { repairs: 2, transientRetries: 1 },
  publish: { remote: undefined, skipPr: 'kept local', keepBranches: false },
  librarian: {},
};

function startRun(steps: readonly ScriptedTurn[], given: Partial<RunInput> = {}) {
  const fakes = plannerFakes(steps);
  const git = createGitFake();
  const agentSession = fromCallback<AgentTellEvent, AgentSessionInput>(({ sendBack }) => {
    const result = {
      outcome: { kind: 'ok' },
      sessionId: 's',
      costUsd: 0,
      durationMs: 1,
      usage: { inputTokens: 0, outputTokens: 0 },
    } as const;
    queueMicrotask(() => sendBack({ type: 'agent.exited', result, endedAt: NOW }));
  });
  const sleepUntil = fromPromise<void, { until: number }>(async () => undefined);
  const audits = createAuditFake();
  const auditor = auditorMachine.provide({ actors: { listChecks: audits.listChecks, runCheck: audits.runCheck } });
  const critic = criticMachine.provide({ actors: { criticTurn: createCriticFake().logic, sleepUntil } });
  const story = storyMachine.provide({ actors: { agentSession, sleepUntil, auditor, critic } });
  const conductor = conductorMachine.provide({ actors: { story } });
  const conducted = () => git.calls.flatMap((call) => (call.op.kind === 'story.worktree' ? [call.op.storyId] : []));
  const machine = runMachine.provide({
    actors: {
      cartographer: cartographerMachine.provide({
        actors: {
          readHead: fromPromise(async () => ({ repoRoot: '/repo', commit: repoMap.commit })),
          readCache: fromPromise<RepoMap | undefined, MapHead>(async () => repoMap),
        },
      }),
      planner: fakes.planner,
      nameBranch: fromPromise<RunBranch, { repoDir: string; plan: PlanDef }>(async () => ({
        branch: 'baro/g',
        continuedFrom: undefined,
      })),
      operator: operatorMachine.provide({ actors: { gitOp: git.logic } }),
      conductor,
      auditor,
    },
  });
  const actor = createActor(machine, { systemId: RUN_SYSTEM_ID, input: { ...input, ...given } });
  const emitted: RunEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  // Each top-level state the Run passes through, in order, as the inspector and the TUI see them.
  const visited: string[] = [];
  actor.subscribe((snapshot) => {
    const state = typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0];
    if (state !== undefined && visited.at(-1) !== state) visited.push(state);
  });
  actor.start();
  const reviewing = () =>
    new Promise<SnapshotFrom<typeof machine>>((resolve) => {
      const sub = actor.subscribe((snapshot) => {
        if (!snapshot.matches('reviewing')) return;
        sub.unsubscribe();
        resolve(snapshot);
      });
      if (actor.getSnapshot().matches('reviewing')) resolve(actor.getSnapshot());
    });
  return { actor, fakes, git, conducted, emitted, visited, reviewing, done: () => toPromise(actor) };
}

describe('run: from the goal to the conductor', () => {
  it('maps, plans, waits for the review, revises on feedback in the same session, then runs the approved plan', async () => {
    const revised = { ...goodPlan, stories: goodPlan.stories.map((s) => ({ ...s, title: `${s.title}!` })) };
    const run = startRun([{ answer: valid() }, { answer: valid(revised) }]);

    const first = await run.reviewing();
    expect(first.context.proposal?.plan).toEqual(goodPlan);
    expect(run.fakes.turns[0]).toMatchObject({ purpose: 'draft', repoSummary: 'the map' });
    run.actor.send({ type: 'review.refine', feedback: 'add bangs' });
    expect(run.actor.getSnapshot().matches('planning')).toBe(true);

    const second = await run.reviewing();
    expect(second.context.proposal?.plan).toEqual(revised);
    expect(run.fakes.turns[1]).toMatchObject({ purpose: 'refine', sessionId: 'sess-1', feedback: 'add bangs' });
    run.actor.send({ type: 'review.approve' });

    const output = await run.done();
    expect(output).toMatchObject({ ending: 'completed', branch: 'baro/g', error: undefined });
    expect(run.conducted()).toEqual(['A', 'B']);
    expect(output.outcome?.status).toEqual({ A: 'merged', B: 'merged' });
    const merges = run.git.calls.flatMap((call) => (call.op.kind === 'story.merge' ? [call.op.message] : []));
    expect(merges).toEqual(['Merge A: Story A!', 'Merge B: Story B!']);
    const ready = run.emitted.filter((e) => e.type === 'plan.ready');
    expect(ready).toMatchObject([
      { plan: goodPlan, levels: [['A'], ['B']] },
      { plan: revised, levels: [['A'], ['B']] },
    ]);
    expect(run.emitted).toContainEqual({ type: 'branch.created', branch: 'baro/g' });
    // The first story's worktree comes first; the integration worktree, only merged into, before the first merge.
    const kinds = run.git.calls.map((call) => call.op.kind);
    expect(kinds[0]).toBe('story.worktree');
    expect(kinds.indexOf('integration.create')).toBeGreaterThan(0);
    expect(kinds.indexOf('integration.create')).toBeLessThan(kinds.indexOf('story.merge'));
    expect(run.visited).toEqual([
      'mapping',
      'planning',
      'reviewing',
      'planning',
      'reviewing',
      'preparing',
      'executing',
      'verifying',
      'publishing',
      'completed',
    ]);
  });

  it('ends failed when the integration worktree cannot be added, with nothing merged', async () => {
    const run = startRun([], { plan: { plan: goodPlan, levels: [['A'], ['B']] }, autoApprove: true });
    run.git.script('integration.create', undefined, new Error('fatal: could not create work tree dir'));
    expect(await run.done()).toMatchObject({
      ending: 'failed',
      error: expect.stringContaining('could not create work tree dir'),
    });
    expect(run.git.calls.filter((call) => call.op.kind === 'story.merge')).toEqual([]);
    expect(run.actor.getSnapshot().children['conductor']).toBeUndefined();
  });

  it('quits at the review: nothing prepared, nothing conducted', async () => {
    const run = startRun([{ answer: valid() }]);
    await run.reviewing();
    run.actor.send({ type: 'review.quit' });
    expect(await run.done()).toMatchObject({ ending: 'stopped', branch: undefined });
    expect(run.git.calls).toEqual([]);
    expect(run.conducted()).toEqual([]);
  });

  it('ends failed with the issues when the planner never produces a valid plan', async () => {
    const run = startRun([{ answer: invalid('story A: cycle') }]);
    expect(await run.done()).toMatchObject({ ending: 'failed', planIssues: ['story A: cycle'] });
    expect(run.git.calls).toEqual([]);
  });

  it('skips mapping and planning for a given plan, and the review when --yes approves it', async () => {
    const run = startRun([], { plan: { plan: goodPlan, levels: [['A'], ['B']] }, autoApprove: true });
    expect(await run.done()).toMatchObject({ ending: 'completed' });
    expect(run.fakes.turns).toEqual([]);
    expect(run.conducted()).toEqual(['A', 'B']);
  });

  it('does not offer a refinement of a given plan: there is no planner session to revise it', async () => {
    const run = startRun([], { plan: { plan: goodPlan, levels: [['A'], ['B']] } });
    await run.reviewing();
    run.actor.send({ type: 'review.refine', feedback: 'x' });
    expect(run.actor.getSnapshot().matches('reviewing')).toBe(true);
    expect(run.fakes.turns).toEqual([]);
  });
});
