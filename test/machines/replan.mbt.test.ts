// Model-based tests of the Conductor between levels: the integration gate, the Surgeon's proposals, its fixed policy
// and the replan budget, on A → B, replayed on the real tree with held agents, gates and Surgeon turns.
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { SurgeonProposal } from '../../machines/surgery.js';
import type { IntegrationGateOutput } from '../../machines/types.js';
import { outcomes, sessionEvent, startRun, story } from './harness.js';
import type { Harness } from './harness.js';
import { surgeonAnswer } from './replan-fakes.js';

type Status = 'pending' | 'running' | 'merged' | 'failed' | 'blocked' | 'replaced';
type Case = { readonly kind: 'story'; readonly id: string } | { readonly kind: 'gate' };
type Action = 'RETRY' | 'SPLIT' | 'FIX' | 'DROP' | 'NO_ANSWER';

const BUDGET = 2;
const PARALLEL = 4;

interface ModelContext {
  readonly deps: Readonly<Record<string, readonly string[]>>;
  readonly status: Readonly<Record<string, Status>>;
  readonly placed: readonly string[];
  readonly current: readonly string[];
  readonly level: number;
  readonly budget: number;
  readonly fallbacks: Readonly<Record<string, number>>;
  readonly cases: readonly Case[];
  readonly gateRed: boolean;
  readonly fixes: number;
}

type ModelEvent =
  { type: 'FINISH'; id: string; ok: boolean } | { type: 'GATE'; green: boolean } | { type: 'SURGEON'; action: Action };

const ids = (c: ModelContext) => Object.keys(c.deps);
const settled = (s: Status | undefined) => s !== 'pending' && s !== 'running';

/** Pending stories behind a failed or blocked one, transitively: the spec, independent of machines/dag.ts. */
function block(c: ModelContext): ModelContext {
  const status = { ...c.status };
  for (let changed = true; changed;) {
    changed = false;
    for (const id of ids(c)) {
      const broken = (c.deps[id] ?? []).some((d) => status[d] === 'failed' || status[d] === 'blocked');
      if (status[id] === 'pending' && broken) {
        status[id] = 'blocked';
        changed = true;
      }
    }
  }
  return { ...c, status };
}

function startLevel(c: ModelContext): ModelContext {
  const current = ids(c).filter(
    (id) => !c.placed.includes(id) && (c.deps[id] ?? []).every((d) => c.placed.includes(d)),
  );
  const status = { ...c.status };
  for (const id of current) if (status[id] === 'pending') status[id] = 'running';
  return { ...c, current, status, placed: [...c.placed, ...current], level: c.level + 1 };
}

/** After a change: blocked stories reopen unless a failure still lies behind them; pending ones wait for a new level. */
function replanned(c: ModelContext): ModelContext {
  const status = { ...c.status };
  for (const id of ids(c)) if (status[id] === 'blocked') status[id] = 'pending';
  const next = block({ ...c, status });
  return {
    ...next,
    placed: next.placed.filter((id) => next.status[id] !== 'pending'),
    cases: c.cases.slice(1),
  };
}

function apply(c: ModelContext, action: Action): ModelContext {
  const first = c.cases[0];
  if (!first) return c;
  const key = first.kind === 'story' ? first.id : 'gate';
  const earlier = c.fallbacks[key] ?? 0;
  const policy = action === 'NO_ANSWER';
  const fallbacks = policy ? { ...c.fallbacks, [key]: earlier + 1 } : c.fallbacks;
  const chosen: Action = !policy ? action : earlier > 0 ? 'DROP' : first.kind === 'story' ? 'RETRY' : 'FIX';
  const base = { ...c, fallbacks };
  if (chosen === 'DROP') return replanned(base);
  const budget = c.budget - 1;
  if (chosen === 'FIX') {
    const id = policy ? `fix-gate-${c.level + 1}` : `G${c.fixes + 1}`;
    const deps = { ...c.deps, [id]: [] };
    return replanned({ ...base, budget, fixes: c.fixes + 1, deps, status: { ...c.status, [id]: 'pending' } });
  }
  const x = first.kind === 'story' ? first.id : '';
  if (chosen === 'RETRY') return replanned({ ...base, budget, status: { ...c.status, [x]: 'pending' } });
  const parts = [`${x}1`, `${x}2`];
  const deps = Object.fromEntries(
    Object.entries(c.deps).map(([id, ds]) => [id, ds.includes(x) ? [...ds.filter((d) => d !== x), ...parts] : ds]),
  );
  for (const part of parts) deps[part] = c.deps[x] ?? [];
  const status = { ...c.status, [x]: 'replaced' as const, [parts[0] ?? '']: 'pending' as const };
  return replanned({ ...base, budget, deps, status: { ...status, [parts[1] ?? '']: 'pending' } });
}

const casesOf = (c: ModelContext): Case[] => [
  ...c.current.filter((id) => c.status[id] === 'failed').map((id) => ({ kind: 'story' as const, id })),
  ...(c.gateRed ? [{ kind: 'gate' as const }] : []),
];

const replanModel = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
  guards: {
    levelSettled: ({ context }) => context.current.every((id) => settled(context.status[id])),
    mergedAny: ({ context }) => context.current.some((id) => context.status[id] === 'merged'),
    noCases: ({ context }) => context.cases.length === 0,
    budgetSpent: ({ context }) => context.budget <= 0,
    storiesRemain: ({ context }) => ids(context).some((id) => !context.placed.includes(id)),
    running: ({ context, event }) => event.type === 'FINISH' && context.status[event.id] === 'running',
    fits: ({ context, event }) => {
      const first = context.cases[0];
      if (event.type !== 'SURGEON' || !first) return false;
      if (event.action === 'RETRY') return first.kind === 'story';
      // Only A is split (its dependent B moves onto the parts): other splits add states, not behaviour.
      if (event.action === 'SPLIT') return first.kind === 'story' && first.id === 'A';
      return event.action !== 'FIX' || first.kind === 'gate';
    },
  },
  actions: {
    finish: assign(({ context, event }) =>
      event.type === 'FINISH' ? { status: { ...context.status, [event.id]: event.ok ? 'merged' : 'failed' } } : {},
    ),
    settle: assign(({ context }) => ({ ...block(context), gateRed: false })),
    gate: assign(({ event }) => ({ gateRed: event.type === 'GATE' && !event.green })),
    collect: assign(({ context }) => ({ cases: casesOf(context) })),
    clearCases: assign({ cases: [] }),
    propose: assign(({ context, event }) => (event.type === 'SURGEON' ? apply(context, event.action) : {})),
    startLevel: assign(({ context }) => startLevel(context)),
  },
}).createMachine({
  id: 'replanModel',
  context: startLevel({
    deps: { A: [], B: ['A'] },
    status: { A: 'pending', B: 'pending' },
    placed: [],
    current: [],
    level: -1,
    budget: BUDGET,
    fallbacks: {},
    cases: [],
    gateRed: false,
    fixes: 0,
  }),
  initial: 'running',
  states: {
    running: {
      always: { guard: 'levelSettled', target: 'boundary' },
      on: { FINISH: { guard: 'running', actions: 'finish' } },
    },
    boundary: {
      always: [
        { guard: 'mergedAny', target: 'gating', actions: 'settle' },
        { target: 'replanning', actions: ['settle', 'collect'] },
      ],
    },
    gating: { on: { GATE: { target: 'replanning', actions: ['gate', 'collect'] } } },
    replanning: {
      always: [
        { guard: 'noCases', target: 'next' },
        { guard: 'budgetSpent', target: 'next', actions: 'clearCases' },
      ],
      on: { SURGEON: { guard: 'fits', target: 'replanning', reenter: true, actions: 'propose' } },
    },
    next: {
      always: [{ guard: 'storiesRemain', target: 'running', actions: 'startLevel' }, { target: 'finished' }],
    },
    finished: { type: 'final' },
  },
});

type ModelSnapshot = SnapshotFrom<typeof replanModel>;

const RED: IntegrationGateOutput = {
  status: 'failed',
  results: [{ command: 'npm test', status: 'failed', exitCode: 1, durationMs: 10, tail: 'tests failed' }],
};

function proposalFor(h: Harness, action: Action): SurgeonProposal {
  const c = h.surgeon.held().input.case;
  if (action === 'RETRY') return { action: 'retry', reason: 'r', guidance: 'again' };
  if (action === 'DROP') return { action: 'drop', reason: 'r' };
  if (action === 'FIX') {
    const fixes = h.emitted('replan.applied').filter((e) => e.action === 'fix').length;
    return { action: 'fix', reason: 'r', stories: [story(`G${fixes + 1}`)] };
  }
  const id = c.kind === 'story' ? c.story.id : '';
  const deps = c.kind === 'story' ? c.story.dependsOn : [];
  return { action: 'split', reason: 'r', stories: [story(`${id}1`, deps), story(`${id}2`, deps)] };
}

function drivers(h: Harness) {
  const act = (what: () => void) => async () => {
    what();
    await h.settle();
  };
  // The graph types a step's event by its type alone; the traversal made it from nextEvents, fields included.
  type Step = { readonly event: { readonly type: string } };
  return {
    FINISH: async (step: Step) => {
      const event = step.event as ModelEvent;
      if (event.type !== 'FINISH') return;
      await act(() => h.agents.current(event.id).exit(event.ok ? outcomes.ok : outcomes.error))();
    },
    GATE: async (step: Step) => {
      const event = step.event as ModelEvent;
      if (event.type !== 'GATE') return;
      await act(() => h.gates.held().answer(event.green ? { status: 'passed', results: [] } : RED))();
    },
    SURGEON: async (step: Step) => {
      const event = step.event as ModelEvent;
      if (event.type !== 'SURGEON') return;
      const reply =
        event.action === 'NO_ANSWER'
          ? surgeonAnswer({ ok: false, issues: [] }, outcomes.error)
          : surgeonAnswer({ ok: true, proposal: proposalFor(h, event.action) });
      await act(() => h.surgeon.held().answer({ ...reply, endedAt: 0 }))();
    },
  };
}

function assertions(h: Harness) {
  const common = (model: ModelSnapshot) => {
    expect(h.conductor().context.status).toEqual(model.context.status);
    expect(h.conductor().context.replanBudget).toBe(model.context.budget);
  };
  return {
    running: (model: ModelSnapshot) => {
      expect(h.conductor().value).toEqual({ running: 'open' });
      expect(h.conductor().context.current).toEqual(model.context.current);
      common(model);
    },
    gating: (model: ModelSnapshot) => {
      expect(h.conductor().value).toBe('gating');
      common(model);
    },
    replanning: (model: ModelSnapshot) => {
      expect(h.conductor().value).toEqual({ replanning: 'consulting' });
      const first = model.context.cases[0];
      const held = h.surgeon.held().input.case;
      expect(held.kind === 'story' ? held.story.id : 'gate').toBe(first?.kind === 'story' ? first.id : 'gate');
      common(model);
    },
    finished: async (model: ModelSnapshot) => {
      const output = await h.done();
      expect(output.outcome?.status).toEqual(model.context.status);
      expect(output.outcome?.stories.map((s) => s.id)).toEqual(ids(model.context));
      expect(h.agents.alive()).toEqual([]);
    },
  };
}

const nextEvents = (state: ModelSnapshot): ModelEvent[] => [
  ...ids(state.context)
    .filter((id) => state.context.status[id] === 'running')
    .flatMap((id) => [true, false].map((ok) => ({ type: 'FINISH' as const, id, ok }))),
  { type: 'GATE', green: true },
  { type: 'GATE', green: false },
  ...(['RETRY', 'SPLIT', 'FIX', 'DROP', 'NO_ANSWER'] as const).map((action) => ({ type: 'SURGEON' as const, action })),
];

// A state is what the Conductor can tell apart: the phase, each story's status, the budget and the policy's memory.
const model = createTestModel(replanModel, {
  events: nextEvents,
  serializeState: (state) => {
    const { status, current, budget, fallbacks, cases } = state.context;
    return JSON.stringify([state.value, status, current, budget, fallbacks, cases]);
  },
  serializeTransition: () => '',
});

describe('conductor model: gates, Surgeon proposals, the fixed policy and the budget', () => {
  for (const path of model.getShortestPaths()) {
    it(path.description, async () => {
      const h = startRun({
        stories: [story('A'), story('B', ['A'])],
        parallel: PARALLEL,
        replanBudget: BUDGET,
        agent: (input) => ({ events: [sessionEvent(input.storyId)], hold: true }),
        surgeon: () => 'hold',
        gate: () => 'hold',
      });
      await h.settle();
      await path.test({ states: assertions(h), events: drivers(h) });
    });
  }
});
