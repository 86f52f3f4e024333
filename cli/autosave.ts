// Keeps `snapshot.json` current: after any change anywhere in the actor tree, the whole tree is written atomically.
import type { AnyActorRef } from 'xstate';
import { SNAPSHOT_SCHEMA_VERSION, writeSnapshot } from '../services/store/snapshot.js';
import type { RunPaths } from '../services/store/paths.js';

export interface Autosave {
  /** Writes the tree as it is now and waits until every write is on disk. */
  readonly flush: () => Promise<void>;
  /** Writes nothing more (the tree is about to be stopped); waits for the write in hand. */
  readonly stop: () => Promise<void>;
}

/** Saves `root`'s persisted snapshot on every change, one write at a time, skipping changes that persist nothing new. */
export function startAutosave(input: {
  readonly root: AnyActorRef;
  readonly paths: RunPaths;
  readonly runInput: unknown;
  readonly baroVersion: string;
  readonly onError: (error: unknown) => void;
}): Autosave {
  const { root, paths } = input;
  let last = '';
  let scheduled = false;
  let stopped = false;
  let pending: string | undefined;
  let writing: Promise<void> | undefined;

  const pump = async () => {
    for (let text = pending; text !== undefined; text = pending) {
      pending = undefined;
      await writeSnapshot(paths, text).catch(input.onError);
    }
  };
  const save = () => {
    scheduled = false;
    if (stopped) return;
    const snapshot = JSON.stringify(root.getPersistedSnapshot());
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
      if (event.type !== '@xstate.snapshot' || scheduled || stopped) return;
      // Coalesced: one save after the burst of snapshots a single event causes across the tree.
      scheduled = true;
      queueMicrotask(save);
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
      subscription.unsubscribe();
      await settle();
    },
  };
}
