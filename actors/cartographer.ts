// The Cartographer's effects: the commit from git, the per-commit cache under the baro home, the scan of the tree.
import { fromPromise } from 'xstate';
import { cartographerMachine } from '../machines/cartographer.js';
import type { MapHead } from '../machines/cartographer.js';
import type { RepoMap } from '../machines/repo-map.js';
import { repoRoot, revParse } from '../services/git/repo.js';
import { buildRepoMap } from '../services/project/map.js';
import { mapCachePath, readCachedMap, saveCachedMap } from '../services/project/map-cache.js';

export interface CartographerDeps {
  /** The baro home (`BARO_HOME`, else `~/.baro`): maps are cached in each repository's folder under it. */
  readonly home: string;
}

const cachePath = (home: string, head: MapHead): string =>
  mapCachePath({ home, repoRoot: head.repoRoot, commit: head.commit });

/** The Cartographer machine with its effects: invoke it with input `{ repoDir, ref? }`; its output is the RepoMap. */
export function provideCartographer(deps: CartographerDeps) {
  return cartographerMachine.provide({
    actors: {
      readHead: fromPromise<MapHead, { repoDir: string; ref: string }>(async ({ input }) => {
        const root = await repoRoot(input.repoDir);
        return { repoRoot: root, commit: await revParse(root, input.ref) };
      }),
      readCache: fromPromise<RepoMap | undefined, MapHead>(({ input }) =>
        readCachedMap(cachePath(deps.home, input), input.commit),
      ),
      scan: fromPromise<RepoMap, MapHead>(({ input }) =>
        buildRepoMap({ repoDir: input.repoRoot, commit: input.commit }),
      ),
      saveCache: fromPromise<void, MapHead & { map: RepoMap }>(({ input }) =>
        saveCachedMap(cachePath(deps.home, input), input.map),
      ),
    },
  });
}
