// Finding conflicts in a worktree: paths git still has unmerged, and files that still carry conflict markers.
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitNul } from './history.js';
import { failure, runGit } from './run.js';

/** Paths with unresolved merge entries in the index (content, add/add, modify/delete conflicts). */
export async function unmergedFiles(cwd: string): Promise<string[]> {
  const args = ['diff', '--name-only', '-z', '--diff-filter=U'];
  const output = await runGit(cwd, args);
  if (output.exitCode !== 0) throw failure(cwd, args, output, 'check the worktree index');
  return [...new Set(splitNul(output.stdout))];
}

const MARKER_REPORT = /^(.+):\d+: leftover conflict marker\.?$/;
// The lines git writes around a conflict (`|||||||` with diff3); the same shapes `git diff --check` looks for.
const MARKER_LINE = /^(?:(?:<{7}|>{7}|\|{7})(?: .*)?|={7})\r?$/m;
// git's own test for binary content: a NUL byte in the first 8000 bytes.
const SNIFF_BYTES = 8000;

// Only regular files: an untracked symlink may point at a folder or at nothing.
async function hasMarkerLines(path: string): Promise<boolean> {
  if (!(await lstat(path)).isFile()) return false;
  const text = (await readFile(path)).toString('utf8');
  return !text.slice(0, SNIFF_BYTES).includes('\0') && MARKER_LINE.test(text);
}

/**
 * Files in the worktree that still contain conflict markers: lines that tracked files gained since HEAD (as
 * `git diff --check` judges them, so markers already committed do not count) and any line of an untracked file.
 */
export async function filesWithConflictMarkers(cwd: string): Promise<string[]> {
  const checkArgs = ['-c', 'core.quotePath=false', 'diff', '--check', '--no-color', '--no-ext-diff', 'HEAD'];
  const check = await runGit(cwd, checkArgs);
  // --check exits non-zero when it finds problems (conflict markers or whitespace errors); 128 is a real failure.
  if (check.exitCode >= 128) throw failure(cwd, checkArgs, check, 'check the worktree');
  const tracked = check.stdout.split('\n').flatMap((line) => MARKER_REPORT.exec(line)?.[1] ?? []);

  const untrackedArgs = ['ls-files', '--others', '--exclude-standard', '-z'];
  const untracked = await runGit(cwd, untrackedArgs);
  if (untracked.exitCode !== 0) throw failure(cwd, untrackedArgs, untracked, 'check the worktree');
  const marked: string[] = [];
  for (const path of splitNul(untracked.stdout)) {
    if (await hasMarkerLines(join(cwd, path))) marked.push(path);
  }
  return [...new Set([...tracked, ...marked])];
}
