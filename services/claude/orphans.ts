// Agent processes left running by a baro that was killed: found by the run id in their environment, then stopped.
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { processAlive } from '../process-alive.js';
import { signalGroupIfAlive } from './process-group.js';

const POLL_MS = 100;

async function environOf(pid: number): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/environ`, 'utf8');
  } catch {
    // Gone meanwhile, or not ours to read: either way not an agent of this run to stop.
    return undefined;
  }
}

/** Whether the process runs for this run: baro gives every agent BARO_RUN_ID (docs/cli.md "Environment"). */
async function runsFor(pid: number, runId: string): Promise<boolean> {
  return (await environOf(pid))?.split('\0').includes(`BARO_RUN_ID=${runId}`) ?? false;
}

/** Pids under /proc whose environment names the run; empty where there is no /proc. */
async function scanProc(runId: string): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const pids = entries.filter((name) => /^\d+$/.test(name)).map(Number);
  const found = await Promise.all(pids.map(async (pid) => ((await runsFor(pid, runId)) ? pid : undefined)));
  return found.filter((pid): pid is number => pid !== undefined && pid !== process.pid);
}

/**
 * Stops the agent processes of `runId` still running from an earlier baro (recorded pids, and any process naming
 * the run): SIGTERM to each process group, SIGKILL after `graceMs`. Returns the pids it stopped.
 */
export async function stopOrphans(input: {
  readonly runId: string;
  readonly recorded: readonly number[];
  readonly graceMs?: number;
}): Promise<number[]> {
  const recorded = await Promise.all(
    input.recorded.map(async (pid) => ((await runsFor(pid, input.runId)) ? pid : undefined)),
  );
  const pids = [
    ...new Set([...recorded.filter((pid): pid is number => pid !== undefined), ...(await scanProc(input.runId))]),
  ];
  const signalBoth = (signal: NodeJS.Signals) => {
    for (const pid of pids) {
      signalGroupIfAlive(pid, signal);
      // A process that is not a group leader (a tool command) is signalled on its own too.
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  };
  signalBoth('SIGTERM');
  const deadline = Date.now() + (input.graceMs ?? 5000);
  while (pids.some(processAlive) && Date.now() < deadline) await delay(POLL_MS);
  if (pids.some(processAlive)) signalBoth('SIGKILL');
  return pids;
}
