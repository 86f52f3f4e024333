// The few file-system questions the git verbs ask about worktrees and git's state folders; only "missing" is expected.
// Answered synchronously: these are git's own small files, read several times on every story's path, and an async read
// costs four trips through libuv's thread pool with baro's main thread busiest just then (agents ending together).
import { readFileSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';

/** The stats of path, or undefined when nothing is there. */
export const statIfExists = async (path: string): Promise<Stats | undefined> =>
  statSync(path, { throwIfNoEntry: false });

/** The text of path, or undefined when there is no such file. */
export const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
};
