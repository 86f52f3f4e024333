// The few file-system questions the git verbs ask about worktrees and git's state folders; only "missing" is expected.
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

const unlessMissing =
  <T>(missing: T) =>
  (error: NodeJS.ErrnoException): T => {
    if (error.code === 'ENOENT') return missing;
    throw error;
  };

/** The stats of path, or undefined when nothing is there. */
export const statIfExists = (path: string): Promise<Stats | undefined> => stat(path).catch(unlessMissing(undefined));

/** The text of path, or undefined when there is no such file. */
export const readIfExists = (path: string): Promise<string | undefined> =>
  readFile(path, 'utf8').catch(unlessMissing(undefined));
