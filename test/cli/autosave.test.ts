// The run's snapshot follows the actor tree: the first change at once, a long burst of changes in few writes, and
// nothing lost at the end.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { assign, createActor, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { startAutosave } from '../../cli/autosave.js';
import { runPaths } from '../../services/store/paths.js';

const counter = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'bump' } | { type: 'agent.spawned'; pid: number } },
}).createMachine({
  context: { n: 0 },
  on: {
    bump: { actions: assign({ n: ({ context }) => context.n + 1 }) },
    'agent.spawned': { actions: assign({ n: ({ context }) => context.n + 1000 }) },
  },
});

const countIn = (text: string): number =>
  (JSON.parse(text) as { snapshot: { context: { n: number } } }).snapshot.context.n;

function saving(minIntervalMs: number) {
  const root = createActor(counter);
  const written: string[] = [];
  const autosave = startAutosave({
    root,
    paths: runPaths({ home: '/nowhere', repoRoot: '/repo', runId: '20261201-000000-abcd' }),
    runInput: {},
    baroVersion: '0.0.0',
    onError: (error) => {
      throw error;
    },
    write: async (text) => {
      written.push(text);
    },
    minIntervalMs,
  });
  root.start();
  return { root, written, autosave };
}

describe('autosave', () => {
  it('saves the first change at once, and a burst spread over many turns in one more write at the end', async () => {
    const { root, written, autosave } = saving(60_000);
    root.send({ type: 'bump' });
    await nextTurn();
    expect(written.map(countIn)).toEqual([1]);
    for (let i = 0; i < 200; i += 1) {
      root.send({ type: 'bump' });
      await nextTurn();
    }
    expect(written.map(countIn)).toEqual([1]);
    await autosave.flush();
    expect(written.map(countIn)).toEqual([1, 201]);
    await autosave.stop();
    root.send({ type: 'bump' });
    await nextTurn();
    expect(written).toHaveLength(2);
  });

  // A resume finds a crashed run's agents by the run id in their environment (services/claude/orphans.ts).
  it('spaces the change that records a new agent like any other: its pid is not needed to stop it', async () => {
    const { root, written, autosave } = saving(60_000);
    root.send({ type: 'bump' });
    await nextTurn();
    root.send({ type: 'bump' });
    await nextTurn();
    expect(written.map(countIn)).toEqual([1]);
    root.send({ type: 'agent.spawned', pid: 4242 });
    await nextTurn();
    expect(written.map(countIn)).toEqual([1]);
    await autosave.flush();
    expect(written.map(countIn)).toEqual([1, 1002]);
    await autosave.stop();
  });

  it('saves a burst within one turn once, and a change after the interval without a flush', async () => {
    const { root, written, autosave } = saving(1);
    for (let i = 0; i < 50; i += 1) root.send({ type: 'bump' });
    await nextTurn();
    expect(written.map(countIn)).toEqual([50]);
    root.send({ type: 'bump' });
    await expect.poll(() => written.map(countIn)).toEqual([50, 51]);
    await autosave.stop();
  });
});
