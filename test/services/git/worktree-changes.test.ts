// What a worktree changed as git sees it: the paths the Sentry counts when an agent edits through Bash.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError } from '../../../services/git/errors.js';
import { committedPaths, worktreeChanges } from '../../../services/git/worktree-changes.js';
import { git, makeTempRepo, useGitSandbox, writeFiles } from '../../helpers/repo.js';

useGitSandbox();

describe('worktreeChanges', () => {
  it('names changed, deleted, renamed and untracked paths, spaces included, and the commit HEAD names', async () => {
    const repo = await makeTempRepo({
      files: { 'a.txt': 'a\n', 'gone.txt': 'g\n', 'old name.txt': 'o\n', 'keep.txt': 'k\n' },
    });
    await writeFiles(repo, { 'a.txt': 'a changed\n', 'src/new file.ts': 'new\n' });
    await rm(join(repo, 'gone.txt'));
    await git(repo, 'mv', 'old name.txt', 'new name.txt');

    const changes = await worktreeChanges(repo);
    expect(changes.head).toBe(await git(repo, 'rev-parse', 'HEAD'));
    expect([...changes.paths].sort()).toEqual(['a.txt', 'gone.txt', 'new name.txt', 'old name.txt', 'src/new file.ts']);
  });

  it('names nothing in a clean worktree, and ignored files stay out', async () => {
    const repo = await makeTempRepo({ files: { '.gitignore': 'dist/\n' } });
    await writeFiles(repo, { 'dist/out.js': 'built\n' });
    expect((await worktreeChanges(repo)).paths).toEqual([]);
  });

  it('fails as a GitError that says what to check when the folder is no checkout', async () => {
    const repo = await makeTempRepo();
    await rm(join(repo, '.git'), { recursive: true });
    const error = await worktreeChanges(repo).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitError);
    expect(String(error)).toContain('check that the worktree still exists and is a git checkout');
  });
});

describe('committedPaths', () => {
  it('names the paths the commits between two commits changed', async () => {
    const repo = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    const from = await git(repo, 'rev-parse', 'HEAD');
    await writeFiles(repo, { 'a.txt': 'a2\n', 'dir/c d.txt': 'c\n' });
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '--quiet', '-m', 'one');
    await git(repo, 'rm', '--quiet', 'b.txt');
    await git(repo, 'commit', '--quiet', '-m', 'two');
    const to = await git(repo, 'rev-parse', 'HEAD');
    expect((await committedPaths(repo, from, to)).sort()).toEqual(['a.txt', 'b.txt', 'dir/c d.txt']);
  });
});
