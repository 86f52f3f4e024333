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

const MARKER_REPORT = /^(.+):(\d+): leftover conflict marker\.?$/;
// The lines git writes to open and close a conflict (`|||||||` with diff3). A lone `=======` is no proof of one: it
// is also a Markdown or reStructuredText heading underline, which `git diff --check` reports all the same.
const MARKER_LINE = /^(?:<{7}|>{7}|\|{7})(?: .*)?\r?$/m;
// git's own test for binary content: a NUL byte in the first 8000 bytes.
const SNIFF_BYTES = 8000;

// Only regular files: an untracked symlink may point at a folder or at nothing.
async function hasMarkerLines(path: string): Promise<boolean> {
  if (!(await lstat(path)).isFile()) return false;
  const text = (await readFile(path)).toString('utf8');
  return !text.slice(0, SNIFF_BYTES).includes('\0') && MARKER_LINE.test(text);
}

// Whether one of the lines `git diff --check` reported (1-based) opens or closes a conflict.
async function hasMarkerAt(path: string, lines: readonly number[]): Promise<boolean> {
  const text = (await readFile(path)).toString('utf8').split('\n');
  return lines.some((line) => MARKER_LINE.test(text[line - 1] ?? ''));
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
  const reported = new Map<string, number[]>();
  for (const match of check.stdout.split('\n').map((line) => MARKER_REPORT.exec(line))) {
    if (match?.[1] !== undefined) reported.set(match[1], [...(reported.get(match[1]) ?? []), Number(match[2])]);
  }
  const tracked: string[] = [];
  for (const [path, lines] of reported) {
    if (await hasMarkerAt(join(cwd, path), lines)) tracked.push(path);
  }

  const untrackedArgs = ['ls-files', '--others', '--exclude-standard', '-z'];
  const untracked = await runGit(cwd, untrackedArgs);
  if (untracked.exitCode !== 0) throw failure(cwd, untrackedArgs, untracked, 'check the worktree');
  const marked: string[] = [];
  for (const path of splitNul(untracked.stdout)) {
    if (await hasMarkerLines(join(cwd, path))) marked.push(path);
  }
  return [...new Set([...tracked, ...marked])];
}
