// The run record (`run.json`): its schema, saving and loading it, and listing the runs of one repository.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StoreError } from './errors.js';
import { readJson, writeJsonAtomic } from './files.js';
import { repoFolder, runPaths } from './paths.js';
import type { RunPaths } from './paths.js';

export const RunStatusSchema = z.enum(['running', 'succeeded', 'partial', 'failed', 'stopped']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const StorySummarySchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  status: z.enum(['pending', 'running', 'merged', 'failed', 'blocked', 'replaced']),
  attempts: z.number().int().nonnegative(),
  agentMs: z.number().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
});
export type StorySummary = z.infer<typeof StorySummarySchema>;

export const RunOptionsSchema = z.object({
  parallel: z.number().int().positive(),
  push: z.boolean(),
  pr: z.boolean(),
  draft: z.boolean().optional(),
  keepBranches: z.boolean().optional(),
  /** `--base` as given; the resolved base is the record's `base`. */
  base: z.string().optional(),
  /** `--config` made absolute: a resumed run reads the same file again. */
  config: z.string().optional(),
  models: z.object({ planner: z.string(), story: z.string(), critic: z.string(), surgeon: z.string() }),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

export const RunRecordSchema = z.object({
  runId: z.string().min(1),
  goal: z.string(),
  repoRoot: z.string().min(1),
  /** The run's integration branch, `baro/<slug>`, once the plan is approved and the branch made. */
  branch: z.string().min(1).optional(),
  base: z.object({ branch: z.string().min(1), sha: z.string().min(1) }),
  status: RunStatusSchema,
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).optional(),
  options: RunOptionsSchema,
  /** Validated by the plan schema where it is used; absent until the planner has planned. */
  plan: z.unknown().optional(),
  /** How long planning took (from the start to the plan shown); kept so a resumed run reports it too. */
  planMs: z.number().nonnegative().optional(),
  prUrl: z.string().optional(),
  stories: z.array(StorySummarySchema).optional(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** Writes `run.json` atomically after checking the record, so a bad record never reaches the disk. */
export const saveRun = async (paths: Pick<RunPaths, 'runJson'>, record: RunRecord): Promise<void> => {
  const parsed = RunRecordSchema.safeParse(record);
  if (!parsed.success) {
    throw new StoreError(
      `Refusing to write ${paths.runJson}: the run record is invalid:\n${z.prettifyError(parsed.error)}\nThis is a bug in baro; please report it.`,
      {
        path: paths.runJson,
        reason: 'invalid',
        cause: parsed.error,
      },
    );
  }
  await writeJsonAtomic(paths.runJson, parsed.data);
};

export const loadRun = (paths: Pick<RunPaths, 'runJson'>): Promise<RunRecord> =>
  readJson(paths.runJson, RunRecordSchema);

export interface UnreadableRun {
  readonly runId: string;
  readonly error: StoreError;
}

export interface RunListing {
  /** Newest first. */
  readonly runs: readonly RunRecord[];
  /** Run folders whose `run.json` is missing or damaged, reported instead of failing the listing. */
  readonly unreadable: readonly UnreadableRun[];
}

// A repository that never ran baro has no runs folder; a home under a file has none either (ensureHome says why).
const listFoldersIfExists = async (dir: string): Promise<string[]> => {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return [];
    throw new StoreError(
      `Cannot list ${dir}: ${error instanceof Error ? error.message : String(error)}. Check the folder's permissions.`,
      {
        path: dir,
        reason: 'unreadable',
        cause: error,
      },
    );
  }
};

type Loaded =
  { readonly ok: true; readonly record: RunRecord } | { readonly ok: false; readonly unreadable: UnreadableRun };

const loadOne = async (home: string, repoRoot: string, runId: string): Promise<Loaded> => {
  try {
    return { ok: true, record: await loadRun(runPaths({ home, repoRoot, runId })) };
  } catch (error) {
    if (error instanceof StoreError) return { ok: false, unreadable: { runId, error } };
    throw error;
  }
};

const newestFirst = (a: RunRecord, b: RunRecord): number =>
  Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0);

/** The runs of one repository, newest first. */
export const listRuns = async ({
  home,
  repoRoot,
}: {
  readonly home: string;
  readonly repoRoot: string;
}): Promise<RunListing> => {
  const runIds = await listFoldersIfExists(join(repoFolder({ home, repoRoot }), 'runs'));
  const loaded = await Promise.all(runIds.map((runId) => loadOne(home, repoRoot, runId)));
  const runs = loaded.flatMap((item) => (item.ok ? [item.record] : []));
  const unreadable = loaded.flatMap((item) => (item.ok ? [] : [item.unreadable]));
  return { runs: runs.sort(newestFirst), unreadable: unreadable.sort((a, b) => (a.runId < b.runId ? 1 : -1)) };
};
