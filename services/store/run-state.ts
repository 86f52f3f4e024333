// A run's status as a person means it: a run on record as running whose driver is gone was interrupted.
import { lockOwner } from './lock.js';
import { listRuns, type RunRecord, type RunStatus } from './runs.js';
import { runPaths } from './paths.js';

export type RunState = RunStatus | 'interrupted';

export interface ListedRun {
  readonly record: RunRecord;
  readonly state: RunState;
  /** The process driving it now, when it runs. */
  readonly pid: number | undefined;
  readonly runDir: string;
}

export async function stateOf(home: string, record: RunRecord): Promise<ListedRun> {
  const { runDir } = runPaths({ home, repoRoot: record.repoRoot, runId: record.runId });
  const pid = record.status === 'running' ? await lockOwner(runDir) : undefined;
  const state: RunState = record.status === 'running' && pid === undefined ? 'interrupted' : record.status;
  return { record, state, pid, runDir };
}

/** The runs of one repository with their states, newest first. */
export async function listRunStates(home: string, repoRoot: string): Promise<readonly ListedRun[]> {
  const { runs } = await listRuns({ home, repoRoot });
  return Promise.all(runs.map((record) => stateOf(home, record)));
}

/** Whether `baro resume` can take the run up: interrupted or stopped, never finished nor driven by another process. */
export const resumable = (state: RunState): boolean => state === 'interrupted' || state === 'stopped';
