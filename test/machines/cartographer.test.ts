import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, setup, toPromise } from 'xstate';
import { cartographerMachine } from '../../machines/cartographer.js';
import type { MapHead } from '../../machines/cartographer.js';
import type { RepoMap } from '../../machines/repo-map.js';

const HEAD: MapHead = { repoRoot: '/repo', commit: 'a'.repeat(40) };

const map = (summary: string): RepoMap => ({
  commit: HEAD.commit,
  files: { count: 1, bytes: 10 },
  languages: [],
  manifests: [],
  commands: {},
  checks: [],
  summary,
});

interface Fakes {
  readonly head?: () => Promise<MapHead>;
  readonly cache?: () => Promise<RepoMap | undefined>;
  readonly save?: () => Promise<void>;
}

function run(fakes: Fakes = {}) {
  const calls = { scan: 0, saved: [] as RepoMap[] };
  const machine = cartographerMachine.provide({
    actors: {
      readHead: fromPromise(fakes.head ?? (() => Promise.resolve(HEAD))),
      readCache: fromPromise(fakes.cache ?? (() => Promise.resolve(undefined))),
      scan: fromPromise(() => {
        calls.scan += 1;
        return Promise.resolve(map('scanned'));
      }),
      saveCache: fromPromise<void, MapHead & { map: RepoMap }>(({ input }) => {
        calls.saved.push(input.map);
        return fakes.save?.() ?? Promise.resolve();
      }),
    },
  });
  const actor = createActor(machine, { input: { repoDir: '/repo/sub' } });
  const states: unknown[] = [];
  actor.subscribe((snapshot) => {
    if (states.at(-1) !== snapshot.value) states.push(snapshot.value);
  });
  actor.start();
  return { output: toPromise(actor), calls, states };
}

describe('cartographerMachine', () => {
  it('reads HEAD, finds no cache, scans, saves and outputs the map', async () => {
    const { output, calls, states } = run();
    expect((await output).summary).toBe('scanned');
    expect(states).toEqual(['readingHead', 'checkingCache', 'scanning', 'saving', 'done']);
    expect(calls).toEqual({ scan: 1, saved: [map('scanned')] });
  });

  it('outputs the cached map without scanning or saving', async () => {
    const { output, calls, states } = run({ cache: () => Promise.resolve(map('cached')) });
    expect((await output).summary).toBe('cached');
    expect(states).toEqual(['readingHead', 'checkingCache', 'done']);
    expect(calls).toEqual({ scan: 0, saved: [] });
  });

  it('rebuilds when the cache cannot be trusted', async () => {
    const { output, calls } = run({ cache: () => Promise.reject(new Error('damaged cache')) });
    expect((await output).summary).toBe('scanned');
    expect(calls.scan).toBe(1);
  });

  it('still outputs the map when it cannot be cached', async () => {
    const { output, states } = run({ save: () => Promise.reject(new Error('disk full')) });
    expect((await output).summary).toBe('scanned');
    expect(states.at(-1)).toBe('done');
  });

  it('fails, for its invoker to handle, when HEAD cannot be read', async () => {
    const failing = cartographerMachine.provide({
      actors: { readHead: fromPromise(() => Promise.reject(new Error('not a git repository'))) },
    });
    const parent = setup({ actors: { cartographer: failing } }).createMachine({
      initial: 'mapping',
      states: {
        mapping: {
          invoke: { src: 'cartographer', input: { repoDir: '/nowhere' }, onDone: 'mapped', onError: 'failed' },
        },
        mapped: { type: 'final' },
        failed: { type: 'final' },
      },
    });
    const actor = createActor(parent).start();
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('failed');
  });
});
