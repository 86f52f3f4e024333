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

export interface Changes {
  /** Every path changed; a rename counts as its old and its new path. */
  readonly files: readonly string[];
  /** git's summary of files above the patch. */
  readonly stat: string;
  readonly patch: string;
}

/** Reads `--raw -z` records (`:modes shas STATUS\0path\0`, two paths for a rename or copy) from the start of output. */
function rawRecords(output: string): { files: string[]; end: number } {
  const files: string[] = [];
  let at = 0;
  const field = (): string => {
    const nul = output.indexOf('\0', at);
    const end = nul < 0 ? output.length : nul;
    const text = output.slice(at, end);
    at = end + 1;
    return text;
  };
  while (output.startsWith(':', at)) {
    const status = field().split(' ').at(-1) ?? '';
    const paths = status.startsWith('R') || status.startsWith('C') ? 2 : 1;
    for (let i = 0; i < paths; i += 1) files.push(field());
  }
  return { files: [...new Set(files)].sort(), end: Math.min(at, output.length) };
}

/**
 * What head changed since it left base (`base...head`): the paths, and the patch with its summary above it, in one git
 * process — the story's commit needs the paths and the Critic the patch.
 */
export async function changesBetween({ cwd, base, head }: Range): Promise<Changes> {
  const args = ['diff', '--no-color', '--no-ext-diff', '--find-renames', '--raw', '-z', '--stat=120', '--patch'];
  const output = await git(cwd, [...args, `${base}...${head}`], `check that '${base}' and '${head}' exist`);
  const { files, end } = rawRecords(output);
  // After the records: the summary, a NUL, then the patch.
  const rest = output.slice(end);
  const nul = rest.indexOf('\0');
  const stat = (nul < 0 ? rest : rest.slice(0, nul)).trim();
  return { files, stat, patch: nul < 0 ? '' : rest.slice(nul + 1) };
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
