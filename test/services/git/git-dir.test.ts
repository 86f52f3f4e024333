// Reading a worktree's HEAD from git's own files: the same answers git gives, packed refs and detached HEADs included.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitDirOf, readHead } from '../../../services/git/git-dir.js';
import { git, makeTempRepo, useGitSandbox } from '../../helpers/repo.js';

useGitSandbox();

async function linked() {
  const repo = await makeTempRepo();
  const path = join(repo, '..', 'linked');
  await git(repo, 'worktree', 'add', '--quiet', '-b', 'baro-stories/x/s1', path);
  return { repo, path };
}

describe('readHead', () => {
  it('gives the branch and commit of the main checkout and of a linked worktree', async () => {
    const { repo, path } = await linked();
    expect(await readHead(repo)).toEqual({ sha: await git(repo, 'rev-parse', 'HEAD'), branch: 'main' });
    await git(path, 'commit', '--quiet', '--allow-empty', '-m', 'work');
    expect(await readHead(path)).toEqual({ sha: await git(path, 'rev-parse', 'HEAD'), branch: 'baro-stories/x/s1' });
    expect(await gitDirOf(path)).toBe(await git(path, 'rev-parse', '--absolute-git-dir'));
  });

  it('gives a detached HEAD’s commit, and a packed branch’s commit through git', async () => {
    const { repo, path } = await linked();
    await git(path, 'checkout', '--quiet', '--detach');
    expect(await readHead(path)).toEqual({ sha: await git(path, 'rev-parse', 'HEAD'), branch: undefined });
    await git(repo, 'pack-refs', '--all');
    expect(await readHead(repo)).toEqual({ sha: await git(repo, 'rev-parse', 'HEAD'), branch: 'main' });
  });
});
