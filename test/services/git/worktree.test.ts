import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError, WorktreeMismatchError } from '../../../services/git/errors.js';
import { addWorktree, listWorktrees, removeWorktree } from '../../../services/git/worktree.js';
import {
  addBareRemote,
  checkoutFingerprint,
  git,
  makeTempRepo,
  useGitSandbox,
  writeFiles,
} from '../../helpers/repo.js';

useGitSandbox();

async function setup() {
  const repo = await makeTempRepo();
  const worktrees = join(dirname(repo), 'home', 'repo', 'worktrees', 'run-1');
  return { repo, worktrees, main: await git(repo, 'rev-parse', 'HEAD') };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('addWorktree', () => {
  it('creates the branch at the start point and a worktree on it, creating parent folders', async () => {
    const { repo, worktrees, main } = await setup();
    await addBareRemote(repo);
    const before = await checkoutFingerprint(repo);
    const path = join(worktrees, 'integration');
    const added = await addWorktree({ repoDir: repo, path, branch: 'baro/feature', startPoint: 'origin/main' });
    expect(added).toEqual({ path, branch: 'baro/feature', head: main, created: true });
    expect(await git(path, 'symbolic-ref', '--short', 'HEAD')).toBe('baro/feature');
    // --no-track: a remote-tracking start point does not become the branch's upstream.
    expect(await git(repo, 'config', '--list')).not.toContain('branch.baro/feature.');
    expect(await checkoutFingerprint(repo)).toBe(before);
  });

  it('returns an existing worktree on the same branch unchanged', async () => {
    const { repo, worktrees } = await setup();
    const path = join(worktrees, 's1');
    await addWorktree({ repoDir: repo, path, branch: 'baro-stories/feature/s1', startPoint: 'main' });
    await writeFiles(path, { 'work.txt': 'in progress\n' });
    await git(path, 'add', 'work.txt');
    await git(path, 'commit', '--quiet', '-m', 'work');
    const head = await git(path, 'rev-parse', 'HEAD');
    const again = await addWorktree({ repoDir: repo, path, branch: 'baro-stories/feature/s1', startPoint: 'main' });
    expect(again).toEqual({ path, branch: 'baro-stories/feature/s1', head, created: false });
    expect((await listWorktrees(repo)).filter((w) => w.branch === 'baro-stories/feature/s1')).toHaveLength(1);
  });

  it('reuses an existing branch without moving it when its worktree is gone', async () => {
    const { repo, worktrees, main } = await setup();
    await git(repo, 'branch', 'baro-stories/feature/s2', 'main');
    await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const path = join(worktrees, 's2');
    const added = await addWorktree({ repoDir: repo, path, branch: 'baro-stories/feature/s2', startPoint: 'main' });
    expect(added).toMatchObject({ head: main, created: true });
  });

  it('checks out a branch it is told exists as it is, and makes it at the start point when it does not', async () => {
    const { repo, worktrees, main } = await setup();
    await git(repo, 'branch', 'baro/claimed', 'main');
    await git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const moved = await git(repo, 'rev-parse', 'HEAD');
    const claimed = join(worktrees, 'claimed');
    const told = { repoDir: repo, startPoint: 'main', branchExists: true } as const;
    expect(await addWorktree({ ...told, path: claimed, branch: 'baro/claimed' })).toMatchObject({ head: main });
    const gone = join(worktrees, 'gone');
    expect(await addWorktree({ ...told, path: gone, branch: 'baro/gone' })).toMatchObject({ head: moved });
    expect(await git(gone, 'symbolic-ref', '--short', 'HEAD')).toBe('baro/gone');
  });

  it('re-adds a worktree whose folder was deleted behind git’s back', async () => {
    const { repo, worktrees, main } = await setup();
    const path = join(worktrees, 's3');
    await addWorktree({ repoDir: repo, path, branch: 'baro-stories/feature/s3', startPoint: 'main' });
    await rm(path, { recursive: true, force: true });
    const added = await addWorktree({ repoDir: repo, path, branch: 'baro-stories/feature/s3', startPoint: 'main' });
    expect(added).toMatchObject({ head: main, created: true });
    expect(await exists(join(path, 'README.md'))).toBe(true);
  });

  it('reports everything git said when the path is taken by a folder of the user’s', async () => {
    const { repo, worktrees } = await setup();
    const path = join(worktrees, 's5');
    await writeFiles(path, { 'notes.txt': 'mine\n' });
    const error: unknown = await addWorktree({
      repoDir: repo,
      path,
      branch: 'baro-stories/feature/s5',
      startPoint: 'main',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain(`fatal: '${path}' already exists`);
    expect((error as GitError).message).toMatch(/ — check that .* is free/);
    expect(await exists(join(path, 'notes.txt'))).toBe(true);
  });

  it('refuses a path that is a worktree on another branch', async () => {
    const { repo, worktrees } = await setup();
    const path = join(worktrees, 's4');
    await addWorktree({ repoDir: repo, path, branch: 'baro-stories/feature/s4', startPoint: 'main' });
    const error: unknown = await addWorktree({
      repoDir: repo,
      path,
      branch: 'baro-stories/feature/other',
      startPoint: 'main',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorktreeMismatchError);
    expect((error as WorktreeMismatchError).actual).toBe('baro-stories/feature/s4');
  });
});

describe('removeWorktree', () => {
  it('removes a worktree with uncommitted changes, keeps its branch, and is a no-op the second time', async () => {
    const { repo, worktrees } = await setup();
    const before = await checkoutFingerprint(repo);
    const path = join(worktrees, 's1');
    await addWorktree({ repoDir: repo, path, branch: 'baro-stories/feature/s1', startPoint: 'main' });
    await writeFiles(path, { 'dirty.txt': 'not committed\n', 'README.md': 'changed\n' });
    expect(await removeWorktree({ repoDir: repo, path })).toEqual({ removed: true });
    expect(await exists(path)).toBe(false);
    expect((await listWorktrees(repo)).map((w) => w.branch)).toEqual(['main']);
    expect(await git(repo, 'branch', '--list', 'baro-stories/feature/s1')).toContain('baro-stories/feature/s1');
    expect(await removeWorktree({ repoDir: repo, path })).toEqual({ removed: false });
    expect(await checkoutFingerprint(repo)).toBe(before);
  });

  it('forgets a worktree whose folder is already gone', async () => {
    const { repo, worktrees } = await setup();
    const path = join(worktrees, 's2');
    await addWorktree({ repoDir: repo, path, branch: 'baro-stories/feature/s2', startPoint: 'main' });
    await rm(path, { recursive: true, force: true });
    expect(await removeWorktree({ repoDir: repo, path })).toEqual({ removed: false });
    expect(await listWorktrees(repo)).toHaveLength(1);
  });
});
