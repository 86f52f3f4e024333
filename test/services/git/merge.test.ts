import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteBranchIfMerged } from '../../../services/git/branch.js';
import { commitAll } from '../../../services/git/commit.js';
import { mergeNoFf } from '../../../services/git/merge.js';
import { addWorktree, removeWorktree } from '../../../services/git/worktree.js';
import { checkoutFingerprint, git, makeTempRepo, useGitSandbox, writeFiles } from '../../helpers/repo.js';

useGitSandbox();

/** A repo with an integration worktree on baro/x and story worktrees s1 and s2 started from it. */
async function run() {
  const repo = await makeTempRepo({ files: { 'shared.txt': 'line 1\nline 2\nline 3\n' } });
  const root = join(dirname(repo), 'worktrees');
  const integration = join(root, 'integration');
  await addWorktree({ repoDir: repo, path: integration, branch: 'baro/x', startPoint: 'main' });
  const story = async (id: string) => {
    const path = join(root, id);
    await addWorktree({ repoDir: repo, path, branch: `baro-stories/x/${id}`, startPoint: 'baro/x' });
    return path;
  };
  return {
    repo,
    integration,
    s1: await story('s1'),
    s2: await story('s2'),
    fingerprint: await checkoutFingerprint(repo),
  };
}

describe('mergeNoFf', () => {
  it('merges a story with a merge commit that names it, and a second call changes nothing', async () => {
    const { repo, integration, s1, fingerprint } = await run();
    await writeFiles(s1, { 'a.txt': 'a\n' });
    const story = (await commitAll({ cwd: s1, message: 's1 work' })).sha;
    const before = await git(integration, 'rev-parse', 'HEAD');
    const merged = await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s1', message: 'Merge story s1: add a' });
    expect(merged).toEqual({ status: 'merged', sha: await git(integration, 'rev-parse', 'HEAD') });
    expect(await git(integration, 'log', '-1', '--format=%P|%s')).toBe(`${before} ${story}|Merge story s1: add a`);
    expect(await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s1', message: 'again' })).toEqual(merged);
    expect(await checkoutFingerprint(repo)).toBe(fingerprint);
  });

  it('on conflict names the files and aborts, leaving the integration worktree clean', async () => {
    const { repo, integration, s1, s2, fingerprint } = await run();
    await writeFiles(s1, { 'shared.txt': 'line 1\nline 2 by s1\nline 3\n' });
    await commitAll({ cwd: s1, message: 's1' });
    await writeFiles(s2, { 'shared.txt': 'line 1\nline 2 by s2\nline 3\n', 'own.txt': 'own\n' });
    await commitAll({ cwd: s2, message: 's2' });
    const first = await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s1', message: 'Merge s1' });
    expect(first.status).toBe('merged');
    expect(await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s2', message: 'Merge s2' })).toEqual({
      status: 'conflict',
      files: ['shared.txt'],
    });
    expect(await git(integration, 'rev-parse', 'HEAD')).toBe(first.status === 'merged' ? first.sha : '');
    expect(await git(integration, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(await readFile(join(integration, 'shared.txt'), 'utf8')).toBe('line 1\nline 2 by s1\nline 3\n');
    expect(await checkoutFingerprint(repo)).toBe(fingerprint);
  });

  it('aborts a merge left half-done by a crash before merging', async () => {
    const { integration, s1, s2 } = await run();
    await writeFiles(s1, { 'shared.txt': 'one\n' });
    await commitAll({ cwd: s1, message: 's1' });
    await writeFiles(s2, { 'b.txt': 'b\n' });
    await commitAll({ cwd: s2, message: 's2' });
    await git(integration, 'commit', '--quiet', '--allow-empty', '-m', 'integration moves');
    await writeFiles(integration, { 'shared.txt': 'two\n' });
    await git(integration, 'commit', '--quiet', '-am', 'conflicting');
    await expect(git(integration, 'merge', '--no-edit', 'baro-stories/x/s1')).rejects.toThrow();
    const merged = await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s2', message: 'Merge s2' });
    expect(merged.status).toBe('merged');
    expect(await git(integration, 'status', '--porcelain')).toBe('');
  });
});

describe('deleteBranchIfMerged', () => {
  it('deletes a merged branch, keeps an unmerged or checked-out one, and reports a missing one', async () => {
    const { repo, integration, s1, s2, fingerprint } = await run();
    await writeFiles(s1, { 'a.txt': 'a\n' });
    await commitAll({ cwd: s1, message: 's1' });
    await writeFiles(s2, { 'b.txt': 'b\n' });
    const unmerged = (await commitAll({ cwd: s2, message: 's2' })).sha;
    await mergeNoFf({ cwd: integration, branch: 'baro-stories/x/s1', message: 'Merge s1' });

    const s1Branch = { repoDir: repo, branch: 'baro-stories/x/s1', into: 'baro/x' };
    expect(await deleteBranchIfMerged(s1Branch)).toEqual({ status: 'kept', reason: 'checked-out' });
    await removeWorktree({ repoDir: repo, path: s1 });
    expect(await deleteBranchIfMerged(s1Branch)).toMatchObject({ status: 'deleted' });
    expect(await deleteBranchIfMerged(s1Branch)).toEqual({ status: 'absent' });

    await removeWorktree({ repoDir: repo, path: s2 });
    expect(await deleteBranchIfMerged({ repoDir: repo, branch: 'baro-stories/x/s2', into: 'baro/x' })).toEqual({
      status: 'kept',
      reason: 'unmerged',
    });
    expect(await git(repo, 'rev-parse', 'refs/heads/baro-stories/x/s2')).toBe(unmerged);
    expect(await checkoutFingerprint(repo)).toBe(fingerprint);
  });
});
