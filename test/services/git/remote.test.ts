import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { remoteBranchNames } from '../../../services/git/branch.js';
import { commitAll } from '../../../services/git/commit.js';
import { fetchRemote, pushBranch } from '../../../services/git/remote.js';
import { addWorktree } from '../../../services/git/worktree.js';
import {
  addBareRemote,
  checkoutFingerprint,
  git,
  makeTempRepo,
  useGitSandbox,
  writeFiles,
} from '../../helpers/repo.js';

useGitSandbox();

describe('fetchRemote', () => {
  it('updates remote-tracking branches', async () => {
    const repo = await makeTempRepo();
    const bare = await addBareRemote(repo);
    const other = join(dirname(repo), 'other');
    await git(dirname(repo), 'clone', '--quiet', bare, other);
    await git(
      other,
      '-c',
      'user.name=o',
      '-c',
      'user.email=o@example.invalid',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'upstream work',
    );
    await git(other, 'push', '--quiet', 'origin', 'main');
    const before = await checkoutFingerprint(repo);
    expect(await fetchRemote({ repoDir: repo, remote: 'origin' })).toEqual({ ok: true });
    expect(await git(repo, 'rev-parse', 'origin/main')).toBe(await git(other, 'rev-parse', 'HEAD'));
    expect(await checkoutFingerprint(repo)).toBe(before);
  });

  it('returns ok: false with git’s reason for an unreachable remote', async () => {
    const repo = await makeTempRepo();
    await git(repo, 'remote', 'add', 'origin', 'file:///nonexistent/baro-remote.git');
    const result = await fetchRemote({ repoDir: repo, remote: 'origin' });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(/^git fetch origin failed: .*nonexistent/);
  });
});

describe('pushBranch', () => {
  async function pushed() {
    const repo = await makeTempRepo();
    const bare = await addBareRemote(repo);
    const integration = join(dirname(repo), 'worktrees', 'integration');
    await addWorktree({ repoDir: repo, path: integration, branch: 'baro/x', startPoint: 'origin/main' });
    await writeFiles(integration, { 'a.txt': 'a\n' });
    const sha = (await commitAll({ cwd: integration, message: 'a' })).sha;
    return { repo, bare, integration, sha };
  }

  it('pushes a new branch as git push -u does, then reports it up to date', async () => {
    const { repo, bare, integration, sha } = await pushed();
    const before = await checkoutFingerprint(repo);
    expect(await pushBranch({ cwd: integration, remote: 'origin', branch: 'baro/x' })).toEqual({ status: 'pushed' });
    expect(await git(bare, 'rev-parse', 'refs/heads/baro/x')).toBe(sha);
    expect(await git(repo, 'rev-parse', '--symbolic-full-name', 'baro/x@{upstream}')).toBe(
      'refs/remotes/origin/baro/x',
    );
    expect(await pushBranch({ cwd: integration, remote: 'origin', branch: 'baro/x' })).toEqual({
      status: 'up-to-date',
    });
    expect(await checkoutFingerprint(repo)).toBe(before);
  });

  it('never forces: a branch that moved on the remote is rejected and left as it was', async () => {
    const { bare, integration } = await pushed();
    await pushBranch({ cwd: integration, remote: 'origin', branch: 'baro/x' });
    const other = join(dirname(bare), 'other');
    await git(dirname(bare), 'clone', '--quiet', '--branch', 'baro/x', bare, other);
    await git(
      other,
      '-c',
      'user.name=o',
      '-c',
      'user.email=o@example.invalid',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'someone else',
    );
    await git(other, 'push', '--quiet', 'origin', 'baro/x');
    const theirs = await git(other, 'rev-parse', 'HEAD');
    await writeFiles(integration, { 'b.txt': 'b\n' });
    await commitAll({ cwd: integration, message: 'b' });
    const result = await pushBranch({ cwd: integration, remote: 'origin', branch: 'baro/x' });
    expect(result).toMatchObject({ status: 'rejected', behind: true });
    expect(result.status === 'rejected' ? result.message : '').toMatch(/rejected/);
    expect(await git(bare, 'rev-parse', 'refs/heads/baro/x')).toBe(theirs);
  });

  it('reports a remote it cannot reach as failed', async () => {
    const { integration } = await pushed();
    const result = await pushBranch({
      cwd: integration,
      remote: 'file:///nonexistent/baro-remote.git',
      branch: 'baro/x',
    });
    expect(result).toMatchObject({ status: 'failed' });
    expect(result.status === 'failed' ? result.message : '').toMatch(/^git push .* baro\/x failed: /);
  });
});

describe('remoteBranchNames', () => {
  it('lists the remote branches under a prefix, and none when the remote cannot be reached', async () => {
    const repo = await makeTempRepo();
    const bare = await addBareRemote(repo);
    for (const name of ['baro/x', 'baro/x-2', 'baro/y']) await git(bare, 'branch', name, 'main');

    expect([...(await remoteBranchNames({ repoDir: repo, remote: 'origin', prefix: 'baro/x' }))].sort()).toEqual([
      'baro/x',
      'baro/x-2',
    ]);
    await git(repo, 'remote', 'set-url', 'origin', join(dirname(repo), 'nowhere.git'));
    expect(await remoteBranchNames({ repoDir: repo, remote: 'origin', prefix: 'baro/x' })).toEqual(new Set());
  });
});
