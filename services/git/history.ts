// Questions about commits between two points: ancestry, the commits themselves, the files they touch.
import { failure, git, runGit } from './run.js';

/** Splits NUL-separated `-z` output, which survives any character git allows in a path. */
export const splitNul = (text: string): string[] => text.split('\0').filter((part) => part !== '');

/** Whether `ancestor` is reachable from `descendant` (true when they are the same commit). */
export async function isAncestor(input: {
  readonly cwd: string;
  readonly ancestor: string;
  readonly descendant: string;
}): Promise<boolean> {
  const args = ['merge-base', '--is-ancestor', input.ancestor, input.descendant];
  const output = await runGit(input.cwd, args);
  if (output.exitCode === 0) return true;
  if (output.exitCode === 1) return false;
  throw failure(input.cwd, args, output, `check that '${input.ancestor}' and '${input.descendant}' exist`);
}

export interface Range {
  readonly cwd: string;
  readonly base: string;
  readonly head: string;
}

/** Shas of the commits on head that base does not have, oldest first. */
export async function commitsBetween({ cwd, base, head }: Range): Promise<string[]> {
  const out = await git(cwd, ['rev-list', '--reverse', `${base}..${head}`], `check that '${base}' and '${head}' exist`);
  return out === '' ? [] : out.split('\n');
}

/** Paths head changed since it left base (`base...head`); a rename counts as its old and its new path. */
export async function changedFiles({ cwd, base, head }: Range): Promise<string[]> {
  const args = ['diff', '--name-only', '--no-renames', '-z', `${base}...${head}`];
  const output = await runGit(cwd, args);
  if (output.exitCode !== 0) throw failure(cwd, args, output, `check that '${base}' and '${head}' exist`);
  return splitNul(output.stdout);
}

/** What head changed since it left base, as a patch with a summary of files above it (one git process). */
export async function patchBetween({ cwd, base, head }: Range): Promise<{ stat: string; patch: string }> {
  const args = ['diff', '--no-color', '--no-ext-diff', '--find-renames', '--stat=120', '--patch', `${base}...${head}`];
  const output = await git(cwd, args, `check that '${base}' and '${head}' exist`);
  // The summary comes first; the patch starts at the first file header.
  const start = output.search(/^diff --git /m);
  if (start < 0) return { stat: output, patch: '' };
  return { stat: output.slice(0, start).trim(), patch: output.slice(start) };
}

/** The merge commit on head that brought `tip` in (the first merge after it on the ancestry path), if any. */
export async function mergeCommitOf({
  cwd,
  tip,
  head,
}: {
  readonly cwd: string;
  readonly tip: string;
  readonly head: string;
}): Promise<string | undefined> {
  const out = await git(
    cwd,
    ['rev-list', '--merges', '--ancestry-path', '--reverse', `${tip}..${head}`],
    `check that '${tip}' and '${head}' exist`,
  );
  return out === '' ? undefined : out.split('\n')[0];
}
