// Detection over a working tree as it is now, agents' uncommitted files included: for the gates and the allowlist.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failure, runGit } from '../git/run.js';
import { detectProject, filesToRead } from './detect.js';
import type { ProjectDetection } from './detect.js';
import { filesFrom } from './files.js';

// A path listed by git but deleted since is simply not there to read.
async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw error;
  }
}

/** Tracked and untracked (not ignored) files of the working tree at dir. */
async function worktreePaths(dir: string): Promise<string[]> {
  const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard'];
  const output = await runGit(dir, args);
  if (output.exitCode !== 0) throw failure(dir, args, output, `check that ${dir} is a git working tree`);
  return [...new Set(output.stdout.split('\0').filter((path) => path !== ''))];
}

/** The project commands of the working tree at dir. */
export async function detectInWorktree(dir: string): Promise<ProjectDetection> {
  const paths = await worktreePaths(dir);
  const present = new Set(paths);
  const texts = new Map<string, string>();
  for (const path of filesToRead().filter((candidate) => present.has(candidate))) {
    const text = await readIfPresent(join(dir, path));
    if (text !== undefined) texts.set(path, text);
  }
  return detectProject(filesFrom(paths, texts));
}
