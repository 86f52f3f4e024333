// Model-based tests of the conductor: story outcomes, a usage-limit pause and a replan on a small DAG, replayed on the real tree.
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { ConductorEvent } from '../../machines/conductor.js';
import type { StoryDef } from '../../machines/types.js';
import { NOW, defaultGitAnswer, outcomes, sessionEvent, startRun, story } from './harness.js';
import type { Harness } from './harness.js';

type Id = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
type Status = 'pending' | 'running' | 'merged' | 'failed' | 'blocked';
type Finish = 'OK' | 'FAIL';

// A → (B, C, D) → E, where E needs B and C only; three stories in the middle level compete for two slots.
// A replan may add F, which needs D: it runs in the level after the one running when it was added, E's at the earliest.
const PLANNED: readonly Id[] = ['A', 'B', 'C', 'D', 'E'];
const DEPS: Readonly<Record<Id, readonly Id[]>> = { A: [], B: ['A'], C: ['A'], D: ['A'], E: ['B', 'C'], F: ['D'] };
const LEVELS: readonly (readonly Id[])[] = [['A'], ['B', 'C', 'D'], ['E']];
const PARALLEL = 2;
const PLAN: StoryDef[] = PLANNED.map((id) => story(id, DEPS[id]));
const ADD_F: ConductorEvent = { type: 'conductor.replan', change: { stories: [story('F', ['D'])], drop: [] } };
const RESETS_AT = NOW / 1000 + 600;

interface ModelContext {
  readonly level: number;
  readonly status: Readonly<Partial<Record<Id, Status>>>;
  /** The level F runs in, once a replan added it. */
  readonly levelOfF: number | undefined;
  /** B waits for a usage-limit reset. */
  readonly paused: boolean;
  /** Running stories readied ahead of a slot (their worktree ready, no agent yet), in the order they get one. */
  readonly ahead: readonly Id[];
}

type ModelEvent = { type: `FINISH_${Id}_${Finish}` | 'LIMIT_B' | 'WAKE_B' | 'ADD_F' };

const settled = (s: Status | undefined) => s === 'merged' || s === 'failed' || s === 'blocked';
const idsOf = (context: ModelContext) => Object.keys(context.status) as Id[];

function levelsOf(context: ModelContext): Id[][] {
  const levels = LEVELS.map((level) => [...level]);
  if (context.levelOfF !== undefined) {
    while (levels.length <= context.levelOfF) levels.push([]);
    levels[context.levelOfF]?.push('F');
  }
  return levels;
}

/** Pending stories behind a failed or blocked one, transitively. */
function block(status: Partial<Record<Id, Status>>): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const id of Object.keys(status) as Id[]) {
      if (status[id] === 'pending' && DEPS[id].some((dep) => status[dep] === 'failed' || status[dep] === 'blocked')) {
        status[id] = 'blocked';
        changed = true;
      }
    }
  }
}

/**
 * The spec, written independently of machines/dag.ts: a settled level blocks, the next starts, free slots go to the
 * stories readied ahead and then fill in order; with every slot taken, as many more as there are slots are readied.
 */
function advance(before: ModelContext): ModelContext {
  const status = { ...before.status };
  const levels = levelsOf(before);
  let level = before.level;
  while (level < levels.length - 1 && (levels[level] ?? []).every((id) => settled(status[id]))) {
    block(status);
    level += 1;
  }
  if ((levels[level] ?? []).every((id) => settled(status[id]))) block(status);
  if (before.paused) return { ...before, level, status };
  const ahead = [...before.ahead];
  let free = PARALLEL - idsOf(before).filter((id) => status[id] === 'running' && !ahead.includes(id)).length;
  while (free > 0 && ahead.length > 0) {
    ahead.shift();
    free -= 1;
  }
  for (const id of levels[level] ?? []) {
    if (status[id] !== 'pending') continue;
    if (free > 0) free -= 1;
    else if (ahead.length < PARALLEL) ahead.push(id);
    else break;
    status[id] = 'running';
  }
  return { ...before, level, status, ahead };
}

const finishes = PLANNED.concat('F').flatMap((id) =>
  (['OK', 'FAIL'] as const).map((finish) => [
    `FINISH_${id}_${finish}`,
    {
      guard: { type: 'isWorking' as const, params: { id } },
      actions: { type: 'finish' as const, params: { id, finish } },
    },
  ]),
);

const conductorModel = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
  guards: {
    isWorking: ({ context }, params: { id: Id }) =>
      context.status[params.id] === 'running' &&
      !context.ahead.includes(params.id) &&
      !(params.id === 'B' && context.paused),
    allSettled: ({ context }) => idsOf(context).every((id) => settled(context.status[id])),
    canAddF: ({ context }) => context.levelOfF === undefined,
  },
  actions: {
    finish: assign(({ context }, params: { id: Id; finish: Finish }) =>
      advance({ ...context, status: { ...context.status, [params.id]: params.finish === 'OK' ? 'merged' : 'failed' } }),
    ),
    pauseB: assign({ paused: true }),
    wakeB: assign(({ context }) => advance({ ...context, paused: false })),
    // A replan takes effect from the next level and blocks at once what a failure already lies behind.
    addF: assign(({ context }) => {
      const status = { ...context.status, F: 'pending' as const };
      block(status);
      return { ...context, status, levelOfF: Math.max(2, context.level + 1) };
    }),
  },
}).createMachine({
  id: 'conductorModel',
  context: advance({
    level: 0,
    status: { A: 'pending', B: 'pending', C: 'pending', D: 'pending', E: 'pending' },
    levelOfF: undefined,
    paused: false,
    ahead: [],
  }),
  initial: 'running',
  states: {
    running: {
      initial: 'open',
      always: { guard: 'allSettled', target: 'finished' },
      on: { ...Object.fromEntries(finishes), ADD_F: { guard: 'canAddF', actions: 'addF' } },
      states: {
        open: {
          on: {
            LIMIT_B: { guard: { type: 'isWorking', params: { id: 'B' } }, target: 'paused', actions: 'pauseB' },
          },
        },
        paused: { on: { WAKE_B: { target: 'open', actions: 'wakeB' } } },
      },
    },
    finished: { type: 'final' },
  },
});

type ModelSnapshot = SnapshotFrom<typeof conductorModel>;

async function startConductor(holdMerges = false): Promise<Harness> {
  const h = startRun({
    stories: PLAN,
    parallel: PARALLEL,
    holdSleep: true,
    holdGit: (op) => holdMerges && (op.kind === 'story.commit' || op.kind === 'story.merge'),
    agent: (input) => ({ events: [sessionEvent(input.storyId)], hold: true }),
  });
  await h.settle();
  return h;
}

/** With `merges`, a finished story's commit and merge wait for the driver, which calls `merges.between` before each. */
function driversFor(h: Harness, merges?: { between: () => Promise<void> }) {
  const act = (what: () => void) => async () => {
    what();
    await h.settle();
  };
  const answerHeld = async () => {
    await merges?.between();
    const call = h.git.held();
    call.answer(defaultGitAnswer(call.op));
    await h.settle();
  };
  const finish = (id: Id, outcome: Finish) => async () => {
    await act(() => h.agents.current(id).exit(outcome === 'OK' ? outcomes.ok : outcomes.error))();
    if (merges && outcome === 'OK') for (const _op of ['story.commit', 'story.merge']) await answerHeld();
  };
  return {
    ...Object.fromEntries(
      PLANNED.concat('F').flatMap((id) =>
        (['OK', 'FAIL'] as const).map((outcome) => [`FINISH_${id}_${outcome}`, finish(id, outcome)]),
      ),
    ),
    LIMIT_B: act(() => h.agents.current('B').exit(outcomes.usageLimit(RESETS_AT))),
    WAKE_B: act(() => h.sleeps.pending()[0]?.wake()),
    ADD_F: act(() => h.actor.system.get('conductor').send(ADD_F)),
  };
}

function assertionsFor(h: Harness) {
  const working = (model: ModelSnapshot) =>
    idsOf(model.context).filter(
      (id) =>
        model.context.status[id] === 'running' &&
        !model.context.ahead.includes(id) &&
        !(id === 'B' && model.context.paused),
    );
  const running = (model: ModelSnapshot) => {
    expect(h.conductor().context.status).toEqual(model.context.status);
    expect(h.conductor().context.level).toBe(model.context.level);
    expect(Object.keys(h.conductor().context.paused)).toEqual(model.context.paused ? ['B'] : []);
    expect(h.conductor().context.ahead).toEqual(model.context.ahead);
    expect(h.emitted('level.started').map((e) => e.stories)).toEqual(
      levelsOf(model.context).slice(0, model.context.level + 1),
    );
    expect(h.emitted('level.completed').map((e) => e.level)).toEqual([...Array(model.context.level).keys()]);
    expect(
      h.agents
        .alive()
        .map((turn) => turn.storyId)
        .sort(),
    ).toEqual(working(model).sort());
    expect(h.agents.maxAlive()).toBeLessThanOrEqual(PARALLEL);
  };
  return {
    'running.open': (model: ModelSnapshot) => {
      expect(h.conductor().value).toEqual({ running: 'open' });
      running(model);
    },
    'running.paused': (model: ModelSnapshot) => {
      expect(h.conductor().value).toEqual({ running: 'paused' });
      running(model);
    },
    finished: async (model: ModelSnapshot) => {
      const output = await h.done();
      const levels = levelsOf(model.context);
      expect(output.outcome?.status).toEqual(model.context.status);
      expect(h.agents.alive()).toEqual([]);
      expect(h.agents.maxAlive()).toBeLessThanOrEqual(PARALLEL);
      expect(h.emitted('level.started').map((e) => e.stories)).toEqual(levels);
      expect(h.emitted('level.completed').map((e) => e.level)).toEqual([...levels.keys()]);
      for (const id of idsOf(model.context)) {
        const started = h.agents.of(id)[0]?.seq ?? Infinity;
        if (started === Infinity) expect(model.context.status[id]).toBe('blocked');
        else for (const dep of DEPS[id]) expect(h.seqOf('story.merged', dep)).toBeLessThan(started);
      }
    },
  };
}

// States by value and context only: a guarded-out event is no step to a new state.
const model = createTestModel(conductorModel, { serializeTransition: () => '' });

describe('conductor model: shortest path to every state, pauses and replans included', () => {
  for (const path of model.getShortestPaths()) {
    it(path.description, async () => {
      const h = await startConductor();
      await path.test({ states: assertionsFor(h), events: driversFor(h) });
    });
  }
});

describe('conductor model: every order in which the planned stories can finish', () => {
  for (const path of model.getSimplePaths({ filterEvents: (_, event) => event.type.startsWith('FINISH_') })) {
    it(path.description, async () => {
      const h = await startConductor();
      await path.test({ states: assertionsFor(h), events: driversFor(h) });
    });
  }
});

/** Crashes (persist, restore, RESUME) at every point: before each event, and before each held commit or merge is answered. */
function crashingEverywhere(h: Harness): ReturnType<typeof driversFor> {
  const between = async () => {
    h.crash();
    await h.settle();
  };
  const wrapped = Object.entries(driversFor(h, { between })).map(([type, drive]) => [
    type,
    async () => {
      await between();
      await drive();
    },
  ]);
  return Object.fromEntries(wrapped) as ReturnType<typeof driversFor>;
}

// One crash at each point of a path, all in one run: every state the tree can be saved in is restored once.
describe('conductor model: crash anywhere (persist, restore, RESUME at every point reaches the same outcome)', () => {
  for (const path of model.getShortestPaths()) {
    it(`${path.description}, crashed at every point`, async () => {
      const h = await startConductor(true);
      await path.test({ states: assertionsFor(h), events: crashingEverywhere(h) });
      const merges = h.git.calls.filter((call) => call.op.kind === 'story.merge' && call.answered);
      expect(merges.filter((call) => !(call.answered instanceof Error)).length).toBe(
        new Set(merges.map((call) => ('storyId' in call.op ? call.op.storyId : ''))).size,
      );
    });
  }
});
