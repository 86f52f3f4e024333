// Work a run starts and lets run on while it goes ahead (deleting discarded worktrees while it publishes), finished
// before the run reports its end. Its failures are warnings: what it deletes is already merged.

export interface Lingering {
  readonly add: (work: Promise<void>) => void;
  /** Resolves once every piece of work added so far has ended; each failure is passed to warn. */
  readonly settled: () => Promise<void>;
}

export function lingeringWork(warn: (line: string) => void): Lingering {
  const pending: Promise<void>[] = [];
  return {
    add: (work) => {
      // Awaited in settled(); until then a failure must not count as unhandled.
      work.catch(() => undefined);
      pending.push(work);
    },
    settled: async () => {
      for (const outcome of await Promise.allSettled(pending.splice(0)))
        if (outcome.status === 'rejected')
          warn(`warning: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`);
    },
  };
}
