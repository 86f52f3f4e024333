// The files of one commit with their sizes and blob ids, from a single `git ls-tree -r -l -z`.
import { failure, runGit } from '../git/run.js';

export interface TreeFile {
  readonly path: string;
  readonly bytes: number;
  readonly oid: string;
}

// `<mode> SP <type> SP <oid> SP+ <size> TAB <path>`; submodules (type commit) have no size and no file to read.
const ENTRY = /^\d+ blob ([0-9a-f]+) +(\d+)\t([\s\S]+)$/;

/** Every file (blob) of the commit's tree, in git's path order. */
export async function listTree(repoDir: string, commit: string): Promise<TreeFile[]> {
  const args = ['ls-tree', '-r', '-l', '-z', commit];
  const output = await runGit(repoDir, args);
  if (output.exitCode !== 0) throw failure(repoDir, args, output, 'check that the commit exists in the repository');
  const files: TreeFile[] = [];
  for (const record of output.stdout.split('\0')) {
    const match = ENTRY.exec(record);
    if (match) files.push({ oid: match[1] ?? '', bytes: Number(match[2]), path: match[3] ?? '' });
  }
  return files;
}
