// The run's lock (`lock.json` in its folder): the pid of the one process driving the run, taken over only once it is gone.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { processAlive } from '../process-alive.js';
import { StoreError } from './errors.js';

const LockSchema = z.object({ pid: z.number().int().positive(), since: z.string() });
export type RunLock = z.infer<typeof LockSchema>;

export const lockPath = (runDir: string): string => join(runDir, 'lock.json');

/** The lock's owner, alive or not; undefined when nobody holds it (or the file is unreadable garbage). */
export async function readLock(runDir: string): Promise<RunLock | undefined> {
  try {
    const parsed = LockSchema.safeParse(JSON.parse(await readFile(lockPath(runDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The pid driving the run now, or undefined when no live process holds its lock. */
export async function lockOwner(runDir: string): Promise<number | undefined> {
  const lock = await readLock(runDir);
  return lock !== undefined && processAlive(lock.pid) ? lock.pid : undefined;
}

export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
  readonly runId: string;
  readonly pid: number;

  constructor(runId: string, pid: number) {
    super(
      `Run ${runId} is already being driven by process ${pid}. Wait for it to finish, or stop it with \`baro stop ${runId}\` first.`,
    );
    this.runId = runId;
    this.pid = pid;
  }
}

/** Takes the run's lock for this process; a lock left by a process that is gone is taken over. Returns the release. */
export async function acquireLock(
  runDir: string,
  runId: string,
  pid: number = process.pid,
): Promise<() => Promise<void>> {
  const path = lockPath(runDir);
  for (let tries = 0; tries < 3; tries += 1) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify({ pid, since: new Date().toISOString() }));
      await handle.close();
      return async () => {
        if ((await readLock(runDir))?.pid === pid) await rm(path, { force: true });
      };
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) {
        throw new StoreError(
          `Cannot lock run ${runId} (${path}): ${error instanceof Error ? error.message : String(error)}.`,
          {
            path,
            reason: 'write-failed',
            cause: error,
          },
        );
      }
      const stale = await readLock(runDir);
      if (stale !== undefined && stale.pid !== pid && processAlive(stale.pid))
        throw new RunLockedError(runId, stale.pid);
      // Left by a process that is gone: removed unless another taker replaced it meanwhile, then created again.
      if ((await readLock(runDir))?.pid === stale?.pid) await rm(path, { force: true });
    }
  }
  throw new StoreError(`Cannot lock run ${runId}: ${path} keeps reappearing. Is another baro taking it over?`, {
    path,
    reason: 'write-failed',
  });
}
