// Appends every raw stdout line of an attempt to its `attempt-<n>.jsonl`, for replay and post-mortems.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

export class RawLogError extends Error {
  readonly path: string;

  constructor(path: string, action: string, cause: unknown) {
    super(
      `Could not ${action} the agent log ${path}: ${cause instanceof Error ? cause.message : String(cause)}. Check that the baro state directory is writable (BARO_HOME).`,
      { cause },
    );
    this.name = 'RawLogError';
    this.path = path;
  }
}

export interface RawLog {
  readonly append: (line: string) => Promise<void>;
  readonly close: () => Promise<void>;
}

export async function openRawLog(path: string): Promise<RawLog> {
  const handle = await mkdir(dirname(path), { recursive: true })
    .then(() => open(path, 'a'))
    .catch((error: unknown) => {
      throw new RawLogError(path, 'open', error);
    });
  return {
    append: async (line) => {
      await handle.write(`${line}\n`).catch((error: unknown) => {
        throw new RawLogError(path, 'append to', error);
      });
    },
    close: () => handle.close(),
  };
}
