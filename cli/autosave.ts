// Keeps `snapshot.json` current: after any change anywhere in the actor tree, the whole tree is written atomically.
import { performance } from 'node:perf_hooks';
import type { AnyActorRef } from 'xstate';
import { SNAPSHOT_SCHEMA_VERSION, writeSnapshot } from '../services/store/snapshot.js';
import type { RunPaths } from '../services/store/paths.js';

export interface Autosave {
  /** Writes the tree as it is now and waits until every write is on disk. */
  readonly flush: () => Promise<void>;
  /** Writes nothing more (the tree is about to be stopped); waits for the write in hand. */
  readonly stop: () => Promise<void>;
}

// Serialising the whole tree costs more as the plan grows (0.7 MB at 384 stories): saves are spaced so that they take
// at most a twentieth of baro's time, and never more than 10 a second. A crash loses at most that interval, which resume
// treats like a crash a moment earlier: an agent started meanwhile is found by its run id, like every other.
const MIN_INTERVAL_MS = 100;
const COST_FACTOR = 20;

/**
 * Saves `root`'s persisted snapshot after changes, one write at a time, skipping changes that persist nothing new. The
 * first change after a quiet spell is saved at once; a burst is saved once it has gone on for the interval.
 */
export function startAutosave(input: {
  readonly root: AnyActorRef;
  readonly paths: RunPaths;
  readonly runInput: unknown;
  readonly baroVersion: string;
  readonly onError: (error: unknown) => void;
  /** Where the text goes; the run's snapshot.json unless a test says otherwise. */
  readonly write?: (text: string) => Promise<void>;
  readonly minIntervalMs?: number;
}): Autosave {
  const { root, paths } = input;
  const write = input.write ?? ((text: string) => writeSnapshot(paths, text));
  const minInterval = input.minIntervalMs ?? MIN_INTERVAL_MS;
  let last = '';
  let scheduled = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let pending: string | undefined;
  let writing: Promise<void> | undefined;
  let savedAt = Number.NEGATIVE_INFINITY;
  let interval = minInterval;

  const pump = async () => {
    for (let text = pending; text !== undefined; text = pending) {
      pending = undefined;
      await write(text).catch(input.onError);
    }
  };
  const save = () => {
    scheduled = false;
    clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    const started = performance.now();
    const snapshot = JSON.stringify(root.getPersistedSnapshot());
    savedAt = performance.now();
    interval = Math.max(minInterval, COST_FACTOR * (savedAt - started));
    if (snapshot === last) return;
    last = snapshot;
    const envelope = {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      baroVersion: input.baroVersion,
      runId: paths.runId,
      savedAt: new Date().toISOString(),
      input: input.runInput,
    };
    // The snapshot is spliced in as text: it was serialised once already, to compare.
    pending = `${JSON.stringify(envelope).slice(0, -1)},"snapshot":${snapshot}}\n`;
    writing ??= pump().finally(() => {
      writing = undefined;
    });
  };
  const subscription = root.system.inspect({
    next: (event) => {
      if (event.type !== '@xstate.snapshot' || stopped || scheduled) return;
      scheduled = true;
      const wait = savedAt + interval - performance.now();
      // Coalesced: one save after the burst of snapshots a single event causes across the tree, or after the interval.
      if (wait <= 0) queueMicrotask(save);
      else timer = setTimeout(save, wait);
    },
  });
  const settle = async () => {
    while (writing !== undefined) await writing;
  };
  return {
    flush: async () => {
      save();
      await settle();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      subscription.unsubscribe();
      await settle();
    },
  };
}
