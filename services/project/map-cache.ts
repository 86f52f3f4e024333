// The repository map cached per commit under the baro home: `<repo folder>/maps/<commit>.json`, validated on read.
import { join } from 'node:path';
import { z } from 'zod';
import type { RepoMap } from '../../machines/repo-map.js';
import { StoreError } from '../store/errors.js';
import { readJson, writeJsonAtomic } from '../store/files.js';
import { repoFolder } from '../store/paths.js';

// Bumped when the map's shape or its detection changes, so older caches are rebuilt rather than trusted.
const CACHE_VERSION = 1;

const commandsSchema = z.strictObject({
  install: z.string().optional(),
  build: z.string().optional(),
  typecheck: z.string().optional(),
  lint: z.string().optional(),
  test: z.string().optional(),
});

const repoMapSchema = z.strictObject({
  commit: z.string().regex(/^[0-9a-f]{40,64}$/),
  files: z.strictObject({ count: z.number().int().nonnegative(), bytes: z.number().nonnegative() }),
  languages: z.array(z.strictObject({ name: z.string(), files: z.number(), bytes: z.number() })),
  manifests: z.array(
    z.strictObject({ path: z.string(), kind: z.string(), workspaces: z.array(z.string()).optional() }),
  ),
  commands: commandsSchema,
  checks: z.array(z.string()),
  summary: z.string(),
}) satisfies z.ZodType<RepoMap>;

const cacheSchema = z.strictObject({ version: z.literal(CACHE_VERSION), map: repoMapSchema });

/** Where the map of `commit` is cached. */
export const mapCachePath = ({ home, repoRoot, commit }: { home: string; repoRoot: string; commit: string }): string =>
  join(repoFolder({ home, repoRoot }), 'maps', `${commit}.json`);

/**
 * The cached map, or undefined when none was saved. A file that is damaged, of another version or of another commit
 * is a StoreError: the caller rebuilds the map rather than trust it.
 */
export async function readCachedMap(path: string, commit: string): Promise<RepoMap | undefined> {
  let cached: z.output<typeof cacheSchema>;
  try {
    cached = await readJson(path, cacheSchema);
  } catch (error) {
    if (error instanceof StoreError && error.reason === 'missing') return undefined;
    throw error;
  }
  if (cached.map.commit === commit) return cached.map;
  throw new StoreError(`Cannot use ${path}: it maps commit ${cached.map.commit}, not ${commit}.`, {
    path,
    reason: 'invalid',
  });
}

/** Saves the map atomically, so a reader never sees half a file. */
export const saveCachedMap = (path: string, map: RepoMap): Promise<void> =>
  writeJsonAtomic(path, { version: CACHE_VERSION, map });
