import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, identityArgs } from '../../../services/git/commit.js';
import { changedFiles, commitsBetween, isAncestor } from '../../../services/git/history.js';
import { addWorktree } from '../../../services/git/worktree.js';
import {
  TEST_IDENTITY,
  checkoutFingerprint,
  git,
  makeTempRepo,
  useGitSandbox,
  writeFiles,
} from '../../helpers/repo.js';

useGitSandbox();

async function storyWorktree(options: { readonly identity?: boolean } = {}) {
  const repo = await makeTempRepo({
    files: { 'README.md': '# r\n', 'old.txt': 'old\n', 'keep.txt': 'keep\n' },
    ...options,
  });
  const path = join(dirname(repo), 'worktrees', 's1');
  await addWorktree({ repoDir: repo, path, branch: 'baro-stories/x/s1', startPoint: 'main' });
  return { repo, path };
}

describe('commitAll', () => {
  it('keeps escape codes and control characters out of the message', async () => {
    const { path } = await storyWorktree();
    await writeFiles(path, { 'a.txt': 'a\n' });
    await commitAll({ cwd: path, message: 'S1: red\u001b[31m title\u0007\n\nbody' });
    expect(await git(path, 'log', '-1', '--format=%B')).toBe('S1: red title\n\nbody');
  });

  it('commits new, modified and deleted files under the repository identity', async () => {
    const { repo, path } = await storyWorktree();
    const before = await checkoutFingerprint(repo);
    await writeFiles(path, { 'new/file.ts': 'export const a = 1;\n', 'keep.txt': 'changed\n' });
    await rm(join(path, 'old.txt'));
    const result = await commitAll({ cwd: path, message: 'story s1: add a' });
    expect(result).toEqual({ committed: true, sha: await git(path, 'rev-parse', 'HEAD'), branch: 'baro-stories/x/s1' });
    expect(await git(path, 'log', '-1', '--format=%an <%ae>|%s')).toBe(
      `${TEST_IDENTITY.name} <${TEST_IDENTITY.email}>|story s1: add a`,
    );
    expect(await git(path, 'status', '--porcelain')).toBe('');
    expect((await changedFiles({ cwd: path, base: 'main', head: 'HEAD' })).sort()).toEqual([
      'keep.txt',
      'new/file.ts',
      'old.txt',
    ]);
    expect(await checkoutFingerprint(repo)).toBe(before);
  });

  it('makes no commit when nothing changed, and returns the unchanged HEAD', async () => {
    const { path } = await storyWorktree();
    const head = await git(path, 'rev-parse', 'HEAD');
    expect(await commitAll({ cwd: path, message: 'nothing' })).toEqual({
      committed: false,
      sha: head,
      branch: 'baro-stories/x/s1',
    });
    expect(await git(path, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('falls back to baro <baro@localhost> when no identity is configured anywhere', async () => {
    const { path } = await storyWorktree({ identity: false });
    expect(await identityArgs(path)).toEqual(['-c', 'user.name=baro', '-c', 'user.email=baro@localhost']);
    await writeFiles(path, { 'a.txt': 'a\n' });
    expect((await commitAll({ cwd: path, message: 'anonymous' })).committed).toBe(true);
    expect(await git(path, 'log', '-1', '--format=%an <%ae>|%cn <%ce>')).toBe(
      'baro <baro@localhost>|baro <baro@localhost>',
    );
  });

  it('adds no identity settings when the repository has its own', async () => {
    const { path } = await storyWorktree();
    expect(await identityArgs(path)).toEqual([]);
  });
});

describe('commitsBetween, changedFiles and isAncestor', () => {
  it('list the commits and paths of head since base, oldest first, a rename as both paths', async () => {
    const { path } = await storyWorktree();
    await writeFiles(path, { 'one.txt': '1\n' });
    const first = (await commitAll({ cwd: path, message: 'one' })).sha;
    await git(path, 'mv', 'keep.txt', 'kept.txt');
    const second = (await commitAll({ cwd: path, message: 'two' })).sha;
    expect(await commitsBetween({ cwd: path, base: 'main', head: 'HEAD' })).toEqual([first, second]);
    expect(await commitsBetween({ cwd: path, base: 'HEAD', head: 'HEAD' })).toEqual([]);
    expect((await changedFiles({ cwd: path, base: 'main', head: 'HEAD' })).sort()).toEqual([
      'keep.txt',
      'kept.txt',
      'one.txt',
    ]);
    expect(await isAncestor({ cwd: path, ancestor: 'main', descendant: 'HEAD' })).toBe(true);
    expect(await isAncestor({ cwd: path, ancestor: 'HEAD', descendant: 'main' })).toBe(false);
  });

  it('changedFiles ignores what base gained after head left it, and keeps unusual names intact', async () => {
    const { repo, path } = await storyWorktree();
    await writeFiles(path, { 'sp ace\ttab "q".txt': 'x\n' });
    await commitAll({ cwd: path, message: 'odd name' });
    const integration = join(dirname(repo), 'worktrees', 'integration');
    await addWorktree({ repoDir: repo, path: integration, branch: 'baro/x', startPoint: 'main' });
    await writeFiles(integration, { 'other.txt': 'other\n' });
    await commitAll({ cwd: integration, message: 'other' });
    expect(await changedFiles({ cwd: path, base: 'baro/x', head: 'HEAD' })).toEqual(['sp ace\ttab "q".txt']);
  });
});
