// Finding a run by its id under the baro home, whichever repository it belongs to (for a repository that moved).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRun } from './runs.js';
import type { RunRecord } from './runs.js';
import { StoreError } from './errors.js';

/** The run with this id in any repository folder under `home`; undefined when there is none. */
export async function findRunAnywhere(home: string, runId: string): Promise<RunRecord | undefined> {
  const repos = await readdir(home, { withFileTypes: true }).catch(() => []);
  for (const repo of repos.filter((entry) => entry.isDirectory())) {
    try {
      return await loadRun({ runJson: join(home, repo.name, 'runs', runId, 'run.json') });
    } catch (error) {
      if (!(error instanceof StoreError && error.reason === 'missing')) throw error;
    }
  }
  return undefined;
}
