// A story's changes as its commit found them: the Operator keeps them next to its logs, and the Critic reviews that
// patch instead of asking git again. A file for another head, or none, sends the Critic to git.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Changes } from './git/history.js';

const changesSchema = z.object({
  head: z.string(),
  files: z.array(z.string()),
  stat: z.string(),
  patch: z.string(),
});

/** Where a story's changes are kept, in its run folder. */
export const changesFile = (storyDir: string): string => join(storyDir, 'changes.json');

/** Written without fsync: a file a crash cuts short is read as none. */
export async function saveChanges(path: string, head: string, changes: Changes): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify({ head, ...changes }), 'utf8');
}

/** The changes saved for this head, or undefined when the file is missing, damaged or about another commit. */
export async function savedChanges(path: string, head: string): Promise<Changes | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = changesSchema.safeParse(data);
  if (!parsed.success || parsed.data.head !== head) return undefined;
  const { files, stat, patch } = parsed.data;
  return { files, stat, patch };
}
