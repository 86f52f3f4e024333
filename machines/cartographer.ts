// The Cartographer: the repository map of a commit, from the cache when this commit was mapped before, else scanned and saved.
import { assign, fromPromise, setup } from 'xstate';
import type { CartographerInput, RepoMap } from './repo-map.js';

export interface MapHead {
  /** The top of the working tree, which names the repository's folder under the baro home. */
  readonly repoRoot: string;
  readonly commit: string;
}

export interface CartographerContext {
  readonly repoDir: string;
  readonly ref: string;
  readonly head: MapHead | undefined;
  readonly map: RepoMap | undefined;
}

function headOf(context: CartographerContext): MapHead {
  if (context.head === undefined) throw new Error('Cartographer: no HEAD read yet');
  return context.head;
}

function mapOf(context: CartographerContext): RepoMap {
  if (context.map === undefined) throw new Error('Cartographer: finished without a map');
  return context.map;
}

const notProvided = (slot: string) => () => {
  throw new Error(`${slot} not provided`);
};

// readHead and scan have no onError: their failure is the Cartographer's, and reaches whoever invoked it.
export const cartographerMachine = setup({
  types: {
    input: {} as CartographerInput,
    context: {} as CartographerContext,
    output: {} as RepoMap,
  },
  actors: {
    readHead: fromPromise<MapHead, { repoDir: string; ref: string }>(notProvided('readHead')),
    /** The cached map of the commit; undefined when none; rejects when the cache file cannot be trusted. */
    readCache: fromPromise<RepoMap | undefined, MapHead>(notProvided('readCache')),
    scan: fromPromise<RepoMap, MapHead>(notProvided('scan')),
    saveCache: fromPromise<void, MapHead & { map: RepoMap }>(notProvided('saveCache')),
  },
  actions: {
    rememberHead: assign({ head: (_, head: MapHead) => head }),
    rememberMap: assign({ map: (_, map: RepoMap | undefined) => map }),
  },
  guards: {
    cached: (_, map: RepoMap | undefined) => map !== undefined,
  },
}).createMachine({
  id: 'cartographer',
  context: ({ input }) => ({ repoDir: input.repoDir, ref: input.ref ?? 'HEAD', head: undefined, map: undefined }),
  initial: 'readingHead',
  states: {
    readingHead: {
      invoke: {
        src: 'readHead',
        input: ({ context }) => ({ repoDir: context.repoDir, ref: context.ref }),
        onDone: { target: 'checkingCache', actions: { type: 'rememberHead', params: ({ event }) => event.output } },
      },
    },
    checkingCache: {
      invoke: {
        src: 'readCache',
        input: ({ context }) => headOf(context),
        onDone: [
          {
            guard: { type: 'cached', params: ({ event }) => event.output },
            target: 'done',
            actions: { type: 'rememberMap', params: ({ event }) => event.output },
          },
          { target: 'scanning' },
        ],
        // A cache that cannot be read or trusted is rebuilt, never used.
        onError: { target: 'scanning' },
      },
    },
    scanning: {
      invoke: {
        src: 'scan',
        input: ({ context }) => headOf(context),
        onDone: { target: 'saving', actions: { type: 'rememberMap', params: ({ event }) => event.output } },
      },
    },
    saving: {
      invoke: {
        src: 'saveCache',
        input: ({ context }) => ({ ...headOf(context), map: mapOf(context) }),
        onDone: { target: 'done' },
        // A map that could not be cached is still the map; the next run scans again.
        onError: { target: 'done' },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => mapOf(context),
});
