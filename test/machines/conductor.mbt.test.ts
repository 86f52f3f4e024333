// Model-based tests of the conductor: every interleaving of story outcomes on a small DAG, replayed on the real tree.
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { StoryDef } from '../../machines/types.js';
import { outcomes, sessionEvent, startRun, story } from './harness.js';
import type { Harness } from './harness.js';

type Id = 'A' | 'B' | 'C' | 'D' | 'E';
type Status = 'pending' | 'running' | 'merged' | 'failed' | 'blocked';
type Finish = 'OK' | 'FAIL';

// A → (B, C, D) → E, where E needs B and C only; three stories in the middle level compete for two slots.
const IDS: readonly Id[] = ['A', 'B', 'C', 'D', 'E'];
const DEPS: Readonly<Record<Id, readonly Id[]>> = { A: [], B: ['A'], C: ['A'], D: ['A'], E: ['B', 'C'] };
const LEVELS: readonly (readonly Id[])[] = [['A'], ['B', 'C', 'D'], ['E']];
const PARALLEL = 2;
const PLAN: StoryDef[] = IDS.map((id) => story(id, DEPS[id]));

interface ModelContext {
  readonly level: number;
  readonly status: Readonly<Record<Id, Status>>;
}

type ModelEvent = { type: `FINISH_${Id}_${Finish}` };

const settled = (s: Status) => s === 'merged' || s === 'failed' || s === 'blocked';

/** The spec, written independently of machines/dag.ts: block, move past settled levels, fill free slots in plan order. */
function advance(before: ModelContext): ModelContext {
  const status: Record<Id, Status> = { ...before.status };
  for (let changed = true; changed;) {
    changed = false;
    for (const id of IDS) {
      if (status[id] === 'pending' && DEPS[id].some((dep) => status[dep] === 'failed' || status[dep] === 'blocked')) {
        status[id] = 'blocked';
        changed = true;
      }
    }
  }
  let level = before.level;
  while (level < LEVELS.length - 1 && (LEVELS[level] ?? []).every((id) => settled(status[id]))) level += 1;
  let free = PARALLEL - IDS.filter((id) => status[id] === 'running').length;
  for (const id of LEVELS[level] ?? []) {
    if (free > 0 && status[id] === 'pending') {
      status[id] = 'running';
      free -= 1;
    }
  }
  return { level, status };
}

const conductorModel = setup({
  types: { context: {} as ModelContext, events: {} as ModelEvent },
  guards: {
    isRunning: ({ context }, params: { id: Id }) => context.status[params.id] === 'running',
    allSettled: ({ context }) => IDS.every((id) => settled(context.status[id])),
  },
  actions: {
    finish: assign(({ context }, params: { id: Id; finish: Finish }) =>
      advance({ ...context, status: { ...context.status, [params.id]: params.finish === 'OK' ? 'merged' : 'failed' } }),
    ),
  },
}).createMachine({
  id: 'conductorModel',
  context: advance({ level: 0, status: { A: 'pending', B: 'pending', C: 'pending', D: 'pending', E: 'pending' } }),
  initial: 'running',
  states: {
    running: {
      always: { guard: 'allSettled', target: 'finished' },
      on: Object.fromEntries(
        IDS.flatMap((id) =>
          (['OK', 'FAIL'] as const).map((finish) => [
            `FINISH_${id}_${finish}`,
            {
              guard: { type: 'isRunning' as const, params: { id } },
              actions: { type: 'finish' as const, params: { id, finish } },
            },
          ]),
        ),
      ),
    },
    finished: { type: 'final' },
  },
});

type ModelSnapshot = SnapshotFrom<typeof conductorModel>;

async function startConductor(): Promise<Harness> {
  const h = startRun({
    stories: PLAN,
    parallel: PARALLEL,
    agent: (input) => ({ events: [sessionEvent(input.storyId)], hold: true }),
  });
  await h.settle();
  return h;
}

function driversFor(h: Harness) {
  const drive = (id: Id, finish: Finish) => async () => {
    h.agents.current(id).exit(finish === 'OK' ? outcomes.ok : outcomes.error);
    await h.settle();
  };
  return Object.fromEntries(
    IDS.flatMap((id) => (['OK', 'FAIL'] as const).map((finish) => [`FINISH_${id}_${finish}`, drive(id, finish)])),
  );
}

function assertionsFor(h: Harness) {
  const running = (model: ModelSnapshot) => IDS.filter((id) => model.context.status[id] === 'running');
  return {
    running: (model: ModelSnapshot) => {
      expect(h.conductor().value).toBe('running');
      expect(h.conductor().context.status).toEqual(model.context.status);
      expect(h.conductor().context.level).toBe(model.context.level);
      expect(
        h.agents
          .alive()
          .map((turn) => turn.storyId)
          .sort(),
      ).toEqual(running(model));
      expect(h.agents.maxAlive()).toBeLessThanOrEqual(PARALLEL);
    },
    finished: async (model: ModelSnapshot) => {
      const output = await h.done();
      expect(output.outcome?.status).toEqual(model.context.status);
      expect(h.agents.alive()).toEqual([]);
      expect(h.agents.maxAlive()).toBeLessThanOrEqual(PARALLEL);
      expect(h.emitted('level.completed').map((e) => e.level)).toEqual([0, 1, 2]);
      for (const id of IDS) {
        const started = h.agents.of(id)[0]?.seq ?? Infinity;
        if (started === Infinity) expect(model.context.status[id]).toBe('blocked');
        else for (const dep of DEPS[id]) expect(h.seqOf('story.merged', dep)).toBeLessThan(started);
      }
    },
  };
}

const model = createTestModel(conductorModel);

describe('conductor model: shortest path to every outcome', () => {
  for (const path of model.getShortestPaths()) {
    it(path.description, async () => {
      const h = await startConductor();
      await path.test({ states: assertionsFor(h), events: driversFor(h) });
    });
  }
});

describe('conductor model: every order in which stories can finish', () => {
  for (const path of model.getSimplePaths()) {
    it(path.description, async () => {
      const h = await startConductor();
      await path.test({ states: assertionsFor(h), events: driversFor(h) });
    });
  }
});
